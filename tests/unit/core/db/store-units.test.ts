import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEmbedding, encodeEmbedding } from '../../../../src-main/core/db/embedding-cache';
import { translateSqliteError } from '../../../../src-main/core/db/errors';
import { fromStoredPath, isInside, toStoredPath } from '../../../../src-main/core/images/paths';
import {
  forgetRecentProject,
  readRecentProjects,
  touchRecentProject,
  RECENT_PROJECTS_FILE,
} from '../../../../src-main/core/project/recent';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-units-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('embedding blob codec', () => {
  it('packs tensors back to back and returns aligned views without copying', () => {
    const a = new Uint16Array([1, 2, 3, 4, 5, 6]);
    const b = new Uint16Array([65535, 0, 15360]);
    const mapping = { imageWidthPx: 10, imageHeightPx: 20, inputWidthPx: 32, inputHeightPx: 64, patchPx: 16 };
    const { header, blob } = encodeEmbedding({
      mapping,
      tensors: { a: { dims: [2, 3], data: a }, b: { dims: [3], data: b } },
    });
    expect(header.tensors).toEqual([
      { name: 'a', dims: [2, 3], offsetBytes: 0, length: 6 },
      { name: 'b', dims: [3], offsetBytes: 12, length: 3 },
    ]);
    expect(blob.byteLength).toBe(18);
    const back = decodeEmbedding(JSON.stringify(header), blob);
    expect(back.mapping).toEqual(mapping);
    expect(Array.from(back.tensors.b!.data)).toEqual([65535, 0, 15360]);
    expect(back.tensors.a!.data.buffer).toBe(blob.buffer); // a view, not a copy
  });
});

describe('stored paths', () => {
  it('are project-relative with "/" where possible and resolve back', () => {
    expect(toStoredPath('/p/proj', '/p/proj/img/a.png')).toBe('img/a.png');
    expect(toStoredPath('/p/proj', '/p/photos/a.png')).toBe('../photos/a.png');
    expect(fromStoredPath('/p/proj', '../photos/a.png')).toBe('/p/photos/a.png');
    expect(isInside('/p/proj/.radiolabel', '/p/proj/.radiolabel/thumbnails/x.webp')).toBe(true);
    expect(isInside('/p/proj/.radiolabel', '/p/proj/.radiolabel/../secret')).toBe(false);
    expect(isInside('/p/proj', '/p/proj')).toBe(false);
  });
});

describe('recent projects', () => {
  it('keeps the most recent first, deduplicated, capped, and survives a damaged file', () => {
    expect(readRecentProjects(dataDir)).toEqual([]);
    touchRecentProject(dataDir, { dir: '/a', name: 'A' }, new Date('2026-01-01T00:00:00Z'));
    touchRecentProject(dataDir, { dir: '/b', name: 'B' }, new Date('2026-01-02T00:00:00Z'));
    const list = touchRecentProject(dataDir, { dir: '/a/', name: 'A2' }, new Date('2026-01-03T00:00:00Z'));
    expect(list).toEqual([
      { dir: '/a', name: 'A2', openedAt: '2026-01-03T00:00:00.000Z' },
      { dir: '/b', name: 'B', openedAt: '2026-01-02T00:00:00.000Z' },
    ]);
    expect(readRecentProjects(dataDir)).toEqual(list);
    for (let i = 0; i < 30; i++) touchRecentProject(dataDir, { dir: `/p${i}`, name: `P${i}` });
    expect(readRecentProjects(dataDir)).toHaveLength(20);
    expect(forgetRecentProject(dataDir, '/p29')[0]?.dir).toBe('/p28');
    writeFileSync(path.join(dataDir, RECENT_PROJECTS_FILE), '{ not json');
    expect(readRecentProjects(dataDir)).toEqual([]);
  });
});

describe('translateSqliteError', () => {
  const sqlite = (code: string, message: string) => Object.assign(new Error(message), { code });
  it('maps actionable SQLite codes to io_error with the file named', () => {
    expect(
      translateSqliteError(sqlite('SQLITE_FULL', 'database or disk is full'), '/x/p.sqlite'),
    ).toMatchObject({
      code: 'io_error',
      failure: 'disk_full',
      message:
        'the disk is full: cannot write /x/p.sqlite (database or disk is full); free some space and retry',
    });
    expect(translateSqliteError(sqlite('SQLITE_BUSY', 'database is locked'), '/x/p.sqlite')).toMatchObject({
      failure: 'locked',
    });
    expect(translateSqliteError(sqlite('SQLITE_READONLY_DBMOVED', 'moved'), '/f')).toMatchObject({
      failure: 'read_only',
    });
    const other = new Error('boom');
    expect(translateSqliteError(other, '/f')).toBe(other);
  });
});
