import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

// The files do not exist, so type-aware parsing is switched off and only the boundary rule runs; the
// imports they make point at real files, which the resolver classifies into layers.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'boundaries/dependencies',
});

/** The boundary errors of a file at `filePath` made of these imports (one per line). */
async function violations(filePath: string, ...imports: string[]): Promise<string[]> {
  const code = imports
    .map((from, i) => `import * as m${i} from '${from}';\nexport const e${i} = m${i};\n`)
    .join('');
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  const fatal = (result?.messages ?? []).filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join('; '));
  return (result?.messages ?? []).map((m) => m.message);
}

async function expectForbidden(filePath: string, from: string, message: string): Promise<void> {
  expect(await violations(filePath, from), `${filePath} → ${from}`).toEqual([
    expect.stringContaining(message),
  ]);
}

async function expectAllowed(filePath: string, ...from: string[]): Promise<void> {
  expect(await violations(filePath, ...from), `${filePath} → ${from.join(', ')}`).toEqual([]);
}

describe('the layer arrows are lint errors', () => {
  it('core never imports an adapter (electron, server, cli) nor electron itself', async () => {
    const adapter = 'it never imports an adapter';
    await expectForbidden('src-main/core/service/x.ts', '../../electron/ipc', adapter);
    await expectForbidden('src-main/core/service/x.ts', '../../server/browser-server', adapter);
    await expectForbidden('src-main/core/service/x.ts', '../../cli/run-cli', adapter);
    await expectForbidden('src-main/core/db/x.ts', 'electron', adapter);
    await expectAllowed('src-main/core/service/x.ts', '../db/open-db', '@contract', 'zod', 'node:fs');
  });

  it('the Electron adapter and the browser-mode server never import each other', async () => {
    await expectForbidden(
      'src-main/electron/x.ts',
      '../server/browser-server',
      'never imports the browser-mode server',
    );
    await expectForbidden('src-main/server/x.ts', '../electron/ipc', 'never imports the Electron adapter');
    await expectForbidden('src-main/server/x.ts', 'electron', 'never imports the Electron adapter');
    await expectAllowed('src-main/server/x.ts', '../core/api', '../core/service/dispatch', 'fastify');
  });

  it('the CLI reaches core only through the service factory and the contract', async () => {
    const message = 'only through the service factory';
    await expectForbidden('src-main/cli/commands/x.ts', '../../core/errors', message);
    await expectForbidden('src-main/cli/commands/x.ts', '../../core/project/project', message);
    await expectForbidden('src-main/cli/x.ts', '../core/service/dispatch', message);
    await expectForbidden('src-main/cli/x.ts', '../server/browser-server', message);
    await expectAllowed(
      'src-main/cli/commands/x.ts',
      '../../core/api',
      '@contract',
      '../command',
      'node:path',
    );
  });

  it('the renderer never imports main code, node built-ins or electron', async () => {
    const message = 'through the bridge only';
    await expectForbidden('src-renderer/features/x.ts', '../../src-main/core/errors', message);
    await expectForbidden('src-renderer/canvas/x.ts', '../../src-main/core/api', message);
    await expectForbidden('src-renderer/app/x.ts', '../../src-preload/index', message);
    await expectForbidden('src-renderer/tools/x.ts', 'node:fs', message);
    await expectForbidden('src-renderer/model/x.ts', 'electron', message);
    await expectAllowed('src-renderer/features/x.ts', '../bridge', '@contract', 'react');
  });

  it('the renderer model is pure: no React, Konva, bridge or UI code', async () => {
    const message = 'src-renderer/model is pure TypeScript';
    await expectForbidden('src-renderer/model/x.ts', 'react', message);
    await expectForbidden('src-renderer/model/x.ts', 'react-konva', message);
    await expectForbidden('src-renderer/model/x.ts', 'konva', message);
    await expectForbidden('src-renderer/model/x.ts', '../bridge', message);
    await expectForbidden('src-renderer/model/x.ts', '../tools/registry', message);
    await expectAllowed('src-renderer/model/x.ts', './patch', '@contract');
  });

  it('features never import src-renderer/app internals', async () => {
    await expectForbidden(
      'src-renderer/features/jobs/x.ts',
      '../../app/App',
      'never src-renderer/app internals',
    );
    await expectAllowed(
      'src-renderer/features/jobs/x.ts',
      '../../model/patch',
      '../../tools/registry',
      '../../canvas/view',
      '../../bridge',
      '../../state/app-store',
    );
  });

  it('the contract imports zod and itself only', async () => {
    const message = 'The contract depends on zod and on itself only';
    await expectForbidden('src-preload/contract/groups/x.ts', '../../../src-main/core/errors', message);
    await expectForbidden('src-preload/contract/groups/x.ts', '../../../src-renderer/model/patch', message);
    await expectForbidden('src-preload/contract/x.ts', 'node:path', message);
    await expectForbidden('src-preload/contract/x.ts', 'react', message);
    await expectAllowed('src-preload/contract/groups/x.ts', 'zod', '../ids', './method');
  });

  it('src-shared imports nothing but itself (the @contract alias resolves to the contract layer)', async () => {
    const message = 'src-shared is pure and self-contained';
    await expectForbidden('src-shared/x.ts', '../src-main/core/errors', message);
    await expectForbidden('src-shared/x.ts', '@contract', message);
    await expectForbidden('src-shared/x.ts', 'zod', message);
    await expectForbidden('src-shared/x.ts', 'node:fs', message);
    await expectAllowed('src-shared/mask/x.ts', './rle', '../mask/rle-ops');
  });

  it('only core, the renderer and the CLI import src-shared (through the @shared alias or a path)', async () => {
    const message = 'src-shared is for core, the renderer and the CLI';
    await expectAllowed('src-main/core/segment/x.ts', '@shared/mask');
    await expectAllowed('src-renderer/model/x.ts', '@shared/mask', '../../src-shared/mask/rle');
    await expectAllowed('src-main/cli/x.ts', '@shared/format/bytes');
    await expectForbidden('src-main/electron/x.ts', '@shared/mask', message);
    await expectForbidden('src-main/server/x.ts', '../../src-shared/mask', message);
  });
});
