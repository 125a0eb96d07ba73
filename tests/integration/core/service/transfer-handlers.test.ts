import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportReport } from '@contract';
import { createRadioLabelService, type NativeDialogs } from '../../../../src-main/core/api';
import { zipFolder } from '../../../../src-main/core/formats/zip-folder';
import { dispatch } from '../../../../src-main/core/service/dispatch';
import { receiveUpload, sanitizeFileName } from '../../../../src-main/core/service/transfers';
import { Project } from '../../../../src-main/core/project';
import { tinyPng } from '../../../fixtures/images/make-images';
import { ROOT, serviceFixture } from './service-fixture';

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `radiolabel-${name}-`));

/** Entry names of a zip, read back with Python's zipfile (an independent reader). */
function zipEntries(file: string): string[] {
  const out = execFileSync('python3', [
    '-c',
    'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
    file,
  ]);
  return out.toString().trim().split('\n').sort();
}

describe('exports: the run reports itself, an occupied folder is handled by choice', () => {
  const { call, raw, dispose } = serviceFixture('export-policy');
  beforeAll(async () => {
    await call('projects', 'openSample');
  });
  afterAll(async () => {
    await dispose();
  });
  const options = { format: 'coco', images: 'all' } as const;

  it('refuses a non-empty folder with details the dialog can act on, writing nothing', async () => {
    const dir = tmp('occupied');
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const r = await raw('exports', 'run', { ...options, outDir: dir });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('conflict');
    expect(r.error.details).toEqual({ reason: 'folder_not_empty', dir, entries: 1 });
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('exports into a new subfolder, never touching what is there', async () => {
    const dir = tmp('sub');
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const r = await call<{ outDir: string; images: number }>('exports', 'run', {
      ...options,
      outDir: dir,
      ifExists: 'subfolder',
    });
    expect(path.dirname(r.outDir)).toBe(dir);
    expect(path.basename(r.outDir)).toMatch(/^Sample_project-coco-\d{8}-\d{6}$/);
    expect(readdirSync(r.outDir).sort()).toEqual(['annotations', 'images']);
    expect(readdirSync(dir).sort()).toEqual([path.basename(r.outDir), 'notes.txt'].sort());
    expect(r.images).toBe(6);
  });

  it('replaces a folder only after the new export is complete, and never the project itself', async () => {
    const dir = tmp('replace');
    writeFileSync(path.join(dir, 'old.txt'), 'old');
    const r = await call<{ outDir: string }>('exports', 'run', {
      ...options,
      outDir: dir,
      ifExists: 'replace',
    });
    expect(r.outDir).toBe(dir);
    expect(readdirSync(dir).sort()).toEqual(['annotations', 'images']);
    expect(readdirSync(path.dirname(dir)).filter((n) => n.startsWith(`.${path.basename(dir)}.`))).toEqual([]);
    const project = await call<{ dir: string }>('projects', 'current');
    const refused = await raw('exports', 'run', { ...options, outDir: project.dir, ifExists: 'replace' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(existsSync(path.join(project.dir, 'project.radiolabel.sqlite'))).toBe(true);
  });
});

describe('browser-mode transfers: zip download and uploads', () => {
  const { service, call, raw, dispose } = serviceFixture('transfers');
  const projectDir = tmp('upload-project');
  beforeAll(async () => {
    await call('projects', 'openSample');
  });
  afterAll(async () => {
    await dispose();
  });

  it('prepares an export as a one-time zip, streamed from its folder and deleted after', async () => {
    const prepared = await call<{ downloadId: string; fileName: string; images: number }>(
      'exports',
      'prepareDownload',
      {
        format: 'yolo-detect',
      },
    );
    expect(prepared).toMatchObject({ fileName: 'Sample_project-yolo-detect.zip', images: 6 });
    const taken = service.takeDownload(prepared.downloadId)!;
    expect(service.takeDownload(prepared.downloadId)).toBeUndefined();
    const zipFile = path.join(tmp('zip'), 'out.zip');
    const { createWriteStream } = await import('node:fs');
    const { pipeline } = await import('node:stream/promises');
    await pipeline(await zipFolder(taken.dir, 'export'), createWriteStream(zipFile));
    taken.done();
    expect(existsSync(taken.dir)).toBe(false);
    const entries = zipEntries(zipFile);
    expect(entries).toContain('export/data.yaml');
    expect(entries.filter((e) => e.startsWith('export/images/train/')).length).toBeGreaterThan(0);
  });

  it('uploads into uploads/, sanitises names, never overwrites, and refuses non-images and oversize files', async () => {
    await call('projects', 'create', { dir: projectDir });
    const project = Project.open(projectDir);
    try {
      const up = (name: string, data: Buffer, max?: number): Promise<ImportReport> =>
        receiveUpload(project, name, Readable.from([data]), max);
      expect(await up('../../etc/cat one.png', tinyPng(1))).toEqual({
        added: 1,
        duplicates: 0,
        identical: [],
        skipped: [],
      });
      expect(await up('cat one.png', tinyPng(2))).toMatchObject({ added: 1 });
      expect(readdirSync(path.join(projectDir, 'uploads')).sort()).toEqual([
        'cat one (2).png',
        'cat one.png',
      ]);
      // The same file again is a duplicate (nothing kept); the same bytes under another name are an image.
      expect(await up('cat one.png', tinyPng(1))).toEqual({
        added: 0,
        duplicates: 1,
        identical: [],
        skipped: [],
      });
      expect(await up('cat two.png', tinyPng(1))).toMatchObject({
        added: 1,
        identical: [{ path: expect.stringMatching(/cat two\.png$/) as unknown, sameAs: 'cat one.png' }],
      });
      const notImage = await up('notes.png', Buffer.from('not an image at all'));
      expect(notImage.added).toBe(0);
      expect(notImage.skipped[0]?.path).toBe('notes.png');
      await expect(up('big.png', Buffer.alloc(2048), 1024)).rejects.toMatchObject({
        code: 'payload_too_large',
      });
      expect(readdirSync(path.join(projectDir, 'uploads')).sort()).toEqual([
        'cat one (2).png',
        'cat one.png',
        'cat two.png',
      ]);
      expect(project.images.count()).toBe(3);
    } finally {
      project.close();
    }
    expect(sanitizeFileName('C:\\Users\\x\\..\\a<b>.png')).toBe('a_b_.png');
    expect(sanitizeFileName('...')).toBe('upload');
    expect(sanitizeFileName('\u0000\u202e.png')).toBe('png');
    expect((await raw('dialogs', 'importImages', { pick: 'files' })).ok).toBe(false);
  });
});

describe('native dialogs feed the same service methods (desktop)', () => {
  const dataDir = tmp('dialogs');
  const picked: string[] = [];
  const sampleImages = path.join(ROOT, 'resources/sample');
  const projectDir = tmp('dialog-project');
  const exportParent = tmp('dialog-export');
  const dialogs: NativeDialogs = {
    pickImages: (pick) => Promise.resolve((picked.push(`images:${pick}`), [sampleImages])),
    pickProjectFolder: (create) => Promise.resolve((picked.push(`project:${create}`), projectDir)),
    pickExportFolder: (name) =>
      Promise.resolve((picked.push(`export:${name}`), path.join(exportParent, name))),
    pickAnnotations: () => Promise.resolve(null),
  };
  const service = createRadioLabelService({
    dataDir,
    mode: 'electron',
    version: 't',
    appRoot: ROOT,
    dialogs,
  });
  const call = async <T>(group: string, method: string, input: unknown = {}): Promise<T> => {
    const r = await dispatch(service.handlers, { group: group as never, method }, input);
    if (!r.ok) throw new Error(`${group}.${method}: ${r.error.message}`);
    return r.value as T;
  };
  afterAll(async () => {
    await service.dispose();
  });

  it('opens a project, imports a folder and exports to the chosen folder; a cancel is null', async () => {
    expect(await call('dialogs', 'openProject', { create: true })).toMatchObject({
      dir: projectDir,
      images: 0,
    });
    expect(await call('dialogs', 'importImages', { pick: 'folder' })).toMatchObject({ added: 6 });
    const r = await call<{ outDir: string; images: number }>('dialogs', 'exportTo', { format: 'labelme' });
    expect(r).toMatchObject({ images: 6 });
    expect(r.outDir.startsWith(exportParent)).toBe(true);
    expect(await call('dialogs', 'importAnnotations', { format: 'coco', pick: 'file' })).toBeNull();
    expect(picked).toEqual(['project:true', 'images:folder', `export:${path.basename(projectDir)}-labelme`]);
  });
});
