import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The import boundaries of DEVELOPERS.md are lint rules; this proves the rules fire where they must. */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  // The files do not exist, so type-aware parsing is switched off and only the boundary rule runs.
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  const fatal = (result?.messages ?? []).filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join('; '));
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint-enforced import boundaries', () => {
  it('src-main/core never imports electron', async () => {
    const msgs = await restrictedImports(
      'src-main/core/db/x.ts',
      "import { app } from 'electron';\nexport const a = app;\n",
    );
    expect(msgs.join()).toContain('never import electron');
  });

  it('src-main/electron may import electron', async () => {
    const msgs = await restrictedImports(
      'src-main/electron/x.ts',
      "import { app } from 'electron';\nexport const a = app;\n",
    );
    expect(msgs).toEqual([]);
  });

  it('src-renderer never imports node:* or src-main', async () => {
    const node = await restrictedImports(
      'src-renderer/features/x.ts',
      "import fs from 'node:fs';\nexport const a = fs;\n",
    );
    expect(node.join()).toContain('node built-ins');
    const main = await restrictedImports(
      'src-renderer/features/x.ts',
      "import { AppError } from '../../src-main/core/errors';\nexport const a = AppError;\n",
    );
    expect(main.join()).toContain('through the bridge');
  });

  it('src-renderer/model never imports React or Konva', async () => {
    const react = await restrictedImports(
      'src-renderer/model/x.ts',
      "import { useState } from 'react';\nexport const a = useState;\n",
    );
    expect(react.join()).toContain('no React or Konva');
    const konva = await restrictedImports(
      'src-renderer/model/x.ts',
      "import Konva from 'konva';\nexport const a = Konva;\n",
    );
    expect(konva.join()).toContain('no React or Konva');
  });
});
