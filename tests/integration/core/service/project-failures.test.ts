import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Result } from '@contract';
import { createRadioLabelService } from '../../../../src-main/core/api';
import { PROJECT_DB_FILE } from '../../../../src-main/core/db/open-db';
import { Project } from '../../../../src-main/core/project';
import { RECENT_PROJECTS_FILE } from '../../../../src-main/core/project/recent';
import { DEFAULT_SETTINGS } from '../../../../src-main/core/settings/settings-store';
import { writePng } from '../../../fixtures/images/make-images';
import { runToEnd } from '../db/helpers/kill-child';
import { ROOT, serviceFixture } from './service-fixture';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
function tempRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-failures-'));
  chmodSync(root, 0o755);
  roots.push(root);
  return root;
}
const NOBODY = 65534;

describe('projects.open on a full disk', () => {
  it('answers io_error and leaves no project open (not the old one, not the new one)', async () => {
    const fx = serviceFixture('full-open');
    try {
      const root = tempRoot();
      await fx.call('projects', 'create', { dir: path.join(root, 'a') });
      Project.create(path.join(root, 'b')).close();
      // Writing the recent-projects list is the first write of an open: make it hit a full device.
      symlinkSync('/dev/full', path.join(fx.dataDir, `${RECENT_PROJECTS_FILE}.${process.pid}.tmp`));
      const opened = await fx.raw('projects', 'open', { dir: path.join(root, 'b') });
      expect(opened.ok).toBe(false);
      if (!opened.ok) {
        expect(opened.error.code).toBe('io_error');
        expect(opened.error.message).toMatch(/^the disk is full: cannot write the recent-projects list /);
      }
      expect(await fx.call('projects', 'current')).toBeNull();
      expect(await fx.service.openMedia('0000000000000000/1/0000000000000000')).toBeUndefined();
    } finally {
      await fx.dispose();
    }
  });
});

describe('a read-only project', () => {
  it('opens read-only: info, list and export work, edits answer read_only', async () => {
    const root = tempRoot();
    const dir = path.join(root, 'proj');
    const image = await writePng(path.join(root, 'images'), 'a.png', 32, 24, 5);
    const setup = Project.create(dir);
    await setup.importImages([image]);
    setup.labels.create({ name: 'thing' });
    setup.close();
    const dataDir = path.join(root, 'data');
    const exportDir = path.join(root, 'export');
    const isRoot = process.getuid?.() === 0;
    chmodSync(root, 0o777);
    chmodSync(dir, 0o555);
    chmodSync(path.join(dir, PROJECT_DB_FILE), 0o444);
    try {
      const res = await runToEnd(
        path.join(import.meta.dirname, 'helpers', 'read-only-child.ts'),
        [dir, dataDir, exportDir],
        isRoot ? { uid: NOBODY, gid: NOBODY } : {},
      );
      const out = JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, Result<unknown>>;
      expect(out.open, res.stderr).toMatchObject({
        ok: true,
        value: { readOnly: true, images: 1, labels: 1 },
      });
      expect(out.current).toMatchObject({ ok: true, value: { readOnly: true } });
      expect(out.list).toMatchObject({ ok: true, value: { total: 1 } });
      expect(out.labels).toMatchObject({ ok: true, value: [{ name: 'thing' }] });
      // Viewing the jobs writes nothing (no lease to take or renew in a file that cannot be written).
      expect(out.jobs).toEqual({ ok: true, value: [] });
      expect(out.jobHistory).toEqual({ ok: true, value: [] });
      expect(out.export).toMatchObject({ ok: true, value: { images: 1 } });
      expect(readdirSync(exportDir).length).toBeGreaterThan(0);
      for (const edit of [out.createLabel, out.setStatus]) {
        expect(edit).toMatchObject({ ok: false, error: { code: 'read_only' } });
        if (edit && !edit.ok) {
          expect(edit.error.message).toContain(path.join(dir, PROJECT_DB_FILE));
          expect(edit.error.message).toMatch(/it can be viewed and exported, but changes are not saved/);
        }
      }
    } finally {
      chmodSync(dir, 0o755);
      chmodSync(path.join(dir, PROJECT_DB_FILE), 0o644);
    }
    const again = Project.open(dir);
    try {
      expect(again.readOnly).toBe(false);
      expect(again.labels.list().map((l) => l.name)).toEqual(['thing']);
    } finally {
      again.close();
    }
  });
});

describe('a damaged settings.json', () => {
  for (const [what, text] of [
    ['not JSON', '{ "provider": "cpu", '],
    ['a value the schema refuses', JSON.stringify({ provider: 'tpu', cacheBudgetBytes: 1 })],
  ] as const) {
    it(`(${what}) falls back to the defaults with a warning, and is kept aside`, async () => {
      const dataDir = tempRoot();
      writeFileSync(path.join(dataDir, 'settings.json'), text);
      const service = createRadioLabelService({ dataDir, mode: 'browser', version: 't', appRoot: ROOT });
      try {
        expect(await service.handlers.settings.get({})).toEqual(DEFAULT_SETTINGS);
        const info = await service.handlers.settings.appInfo({});
        expect(info.warnings).toHaveLength(1);
        expect(info.warnings[0]).toMatch(
          new RegExp(
            `^${path.join(dataDir, 'settings.json')} is damaged \\(.+\\): the default settings apply; it was kept as .*settings\\.json\\.damaged-`,
          ),
        );
        const aside = readdirSync(dataDir).filter((f) => f.startsWith('settings.json.damaged-'));
        expect(aside).toHaveLength(1);
        expect(readFileSync(path.join(dataDir, aside[0]!), 'utf8')).toBe(text);
        expect(existsSync(path.join(dataDir, 'settings.json'))).toBe(false);
        // The app carries on: a change writes a fresh, valid file.
        await service.handlers.settings.update({ provider: 'cpu' });
        expect(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({
          provider: 'cpu',
        });
      } finally {
        await service.dispose();
      }
    });
  }
});
