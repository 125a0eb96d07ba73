import { cpSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScene, type SampleScene } from '../../../resources/sample/sample-scene';
import { tempDirs } from '../../fixtures/images/temp-dirs';
import { randomScene } from '../core/intelligence/helpers/synthetic-project';
import { radiolabel } from '../../fixtures/cli/radiolabel';

/**
 * Golden files of the CLI's JSON: every command, run once in a fixed order on a fixed synthetic project,
 * must print exactly what tests/integration/cli/golden/ holds (temp paths, timestamps and timings
 * replaced by placeholders). A change here is a change of the command-line contract.
 */

const temp = tempDirs('cli-golden');
const REPO = path.resolve(import.meta.dirname, '../../..');
let root: string;
let dataDir: string;
let projectDir: string;
let imagesDir: string;
const scenes: SampleScene[] = Array.from({ length: 6 }, (_, i) => ({
  ...randomScene(300 + i, 96, 80, ['red', 'blue']),
  name: `c${i}.png`,
}));

beforeAll(async () => {
  root = realpathSync(temp.make());
  dataDir = path.join(root, 'data');
  projectDir = path.join(root, 'project');
  imagesDir = path.join(root, 'images');
  mkdirSync(imagesDir, { recursive: true });
  for (const scene of scenes) {
    const rendered = renderScene(scene);
    const raw = { width: scene.widthPx, height: scene.heightPx, channels: 3 as const };
    await sharp(Buffer.from(rendered.rgb), { raw }).png().toFile(path.join(imagesDir, scene.name));
  }
});
afterAll(() => temp.cleanup());

/**
 * Replaces what differs between runs (the temp root, wall-clock times, the project's random part of
 * media addresses) with placeholders.
 */
function normalize(value: unknown): unknown {
  if (typeof value === 'string') {
    const s = value.split(root).join('<tmp>').split(REPO).join('<repo>');
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s) ? '<time>' : s;
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === 'seconds'
          ? '<seconds>'
          : k === 'mediaKey' && typeof v === 'string'
            ? v.replace(/^[0-9a-f]{16}\//, '<project>/')
            : normalize(v),
      ]),
    );
  }
  return value;
}

/** The golden files are formatted like every other file of the repository (prettier). */
async function formatted(value: unknown, name: string): Promise<string> {
  const file = path.join(import.meta.dirname, 'golden', `${name}.json`);
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(value, null, 2), { ...options, parser: 'json' });
}

async function golden(name: string, argv: string[]): Promise<unknown> {
  const run = await radiolabel(dataDir, argv);
  expect(run.code, run.stderr).toBe(0);
  const json = JSON.parse(run.stdout) as unknown;
  await expect(await formatted(normalize(json), name)).toMatchFileSnapshot(`golden/${name}.json`);
  return json;
}

const errors: Record<string, { code: number; stderr: string }> = {};
async function failure(name: string, argv: string[]): Promise<void> {
  const run = await radiolabel(dataDir, argv);
  expect(run.code, `${name} should fail`).not.toBe(0);
  expect(run.stdout).toBe('');
  errors[name] = { code: run.code, stderr: String(normalize(run.stderr.trimEnd())) };
}

describe('radiolabel golden JSON', () => {
  it('project, import, labels, info', async () => {
    await golden('project-create', ['project', 'create', projectDir, '--name', 'Golden']);
    writeFileSync(path.join(imagesDir, 'notes.jpg'), 'not an image');
    cpSync(path.join(imagesDir, 'c0.png'), path.join(imagesDir, 'c0-copy.png'));
    await golden('import', ['import', projectDir, imagesDir]);
    await golden('labels-add', ['labels', 'add', projectDir, 'red', 'blue']);
    await golden('labels-add-again', ['labels', 'add', projectDir, 'red', 'green', '--color', '#00AA00']);
    await golden('labels-list', ['labels', 'list', projectDir]);
    await golden('info', ['info', projectDir]);
    await golden('labels-set', [
      'labels',
      'set',
      projectDir,
      'green',
      '--prompt',
      'lime',
      '--color',
      '#00BB00',
    ]);
  });

  it('models list, verify, install', async () => {
    await golden('models-list', ['models', 'list']);
    await golden('models-verify', ['models', 'verify', 'starter']);
    const src = path.join(root, 'bundle', 'starter');
    cpSync(path.resolve(import.meta.dirname, '../../../models/starter'), src, { recursive: true });
    const manifest = path.join(src, 'manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"id": "starter"', '"id": "golden-copy"'));
    await golden('models-install', ['models', 'install', src]);
    await golden('models-list-after-install', ['models', 'list']);
    await golden('models-verify-path', ['models', 'verify', path.join(dataDir, 'models', 'golden-copy')]);
  });

  it('segment and tag an image file', async () => {
    const image = path.join(imagesDir, 'c1.png');
    await golden('segment-text', ['segment', image, '--model', 'starter', '--text', 'red', '--text', 'blue']);
    await golden('segment-text-options', [
      'segment',
      image,
      '--model',
      'starter',
      '--text',
      'blue',
      '--threshold',
      '0.6',
      '--min-area',
      '20',
      '--tolerance',
      '2',
      '--no-refine',
    ]);
    const shape = scenes[1]!.shapes[0]!;
    const [cx, cy] = shape.kind === 'disc' ? [shape.cx, shape.cy] : [48, 40];
    await golden('segment-click', [
      'segment',
      image,
      '--model',
      'starter',
      '--click',
      `${Math.round(cx)},${Math.round(cy)}`,
      '--click',
      '2,2,-',
    ]);
    await golden('segment-box', ['segment', image, '--model', 'starter', '--box', '10,10,50,40']);
    await golden('tag', ['tag', image, '--labels', 'green, red ,blue']);
  });

  it('embed, auto-label, review, propagate, similar, duplicates, jobs', async () => {
    await golden('embed', ['embed', projectDir, '--resolution', '128']);
    await golden('embed-again', ['embed', projectDir, '--resolution', '128']);
    // The same run twice: the second must find nothing left to do.
    const autoLabel = [
      'auto-label',
      projectDir,
      '--prompt',
      'red=red',
      '--prompt',
      'blue=blue',
      '--resolution',
      '128',
    ];
    await golden('auto-label', autoLabel);
    await golden('auto-label-again', autoLabel);
    const queue = (await golden('review-list', ['review', 'list', projectDir])) as {
      queue: { imageId: number; pending: number }[];
    };
    const [first, second, third] = queue.queue;
    const proposals = (await golden('review-list-image', [
      'review',
      'list',
      projectDir,
      '--image',
      String(second!.imageId),
    ])) as { id: number }[];
    const accepted = (await golden('review-accept-image', [
      'review',
      'accept',
      projectDir,
      '--image',
      String(first!.imageId),
    ])) as { annotationIds: number[] };
    await golden('review-accept-proposal', [
      'review',
      'accept',
      projectDir,
      '--proposal',
      String(proposals[0]!.id),
    ]);
    if (proposals[1]) {
      await golden('review-reject-proposal', [
        'review',
        'reject',
        projectDir,
        '--proposal',
        String(proposals[1].id),
      ]);
    }
    await golden('review-reject-image', ['review', 'reject', projectDir, '--image', String(third!.imageId)]);
    await golden('propagate', ['propagate', projectDir, '--label', 'red', '--resolution', '128']);
    const imageId = String(first!.imageId);
    const annotationId = String(accepted.annotationIds[0]);
    await golden('similar-images', [
      'similar',
      projectDir,
      '--image',
      imageId,
      '--top',
      '3',
      '--resolution',
      '128',
    ]);
    await golden('similar-objects', [
      'similar',
      projectDir,
      '--image',
      imageId,
      '--annotation',
      annotationId,
      '--top',
      '3',
      '--min-score',
      '0',
      '--per-image',
      '1',
      '--resolution',
      '128',
    ]);
    // The app's filter by default: hits below 0.6 cosine are left out.
    await golden('similar-objects-default', [
      'similar',
      projectDir,
      '--image',
      imageId,
      '--annotation',
      annotationId,
      '--top',
      '3',
      '--resolution',
      '128',
    ]);
    await golden('similar-propose', [
      'similar',
      projectDir,
      '--image',
      imageId,
      '--annotation',
      annotationId,
      '--top',
      '2',
      '--min-score',
      '0',
      '--propose',
      'blue',
      '--resolution',
      '128',
    ]);
    await golden('duplicates', ['duplicates', projectDir, '--threshold', '0.9', '--resolution', '128']);
    await golden('jobs', ['jobs', projectDir]);
    await golden('jobs-limit', ['jobs', projectDir, '--limit', '2']);
  });

  it('export and import annotations', async () => {
    await golden('export-coco', [
      'export',
      projectDir,
      '--format',
      'coco',
      '--out',
      path.join(root, 'out-coco'),
    ]);
    await golden('export-yolo-split', [
      'export',
      projectDir,
      '--format',
      'yolo-seg',
      '--out',
      path.join(root, 'out-yolo'),
      '--split',
      'train=0.5,val=0.5',
      '--seed',
      '3',
      '--image-files',
      'link',
    ]);
    await golden('export-voc-status', [
      'export',
      projectDir,
      '--format',
      'voc',
      '--out',
      path.join(root, 'out-voc'),
      '--images',
      'in_progress,review',
      '--segmentation',
      'rle',
    ]);
    const other = path.join(root, 'other');
    await golden('project-create-other', ['project', 'create', other]);
    await golden('import-other', ['import', other, imagesDir]);
    await golden('import-annotations', [
      'import-annotations',
      other,
      '--format',
      'coco',
      path.join(root, 'out-coco', 'annotations', 'instances_train.json'),
    ]);
    await golden('info-other', ['info', other]);
    // An occupied folder is replaced only when asked (the refusal is in the errors' golden file).
    await golden('export-coco-replace', [
      'export',
      projectDir,
      '--format',
      'coco',
      '--out',
      path.join(root, 'out-coco'),
      '--if-exists',
      'replace',
    ]);
  });

  it('usage errors and failures: exit codes and messages', async () => {
    const image = path.join(imagesDir, 'c1.png');
    await failure('no-command-match', ['frobnicate']);
    await failure('info-missing-project', ['info', path.join(root, 'nothing')]);
    await failure('import-no-paths', ['import', projectDir]);
    await failure('labels-add-bad-color', ['labels', 'add', projectDir, 'x', '--color', 'red']);
    await failure('labels-add-no-names', ['labels', 'add', projectDir]);
    await failure('labels-set-unknown', ['labels', 'set', projectDir, 'zebra', '--prompt', 'stripes']);
    await failure('labels-set-bad-color', ['labels', 'set', projectDir, 'red', '--color', 'red']);
    await failure('unknown-flag', ['info', projectDir, '--frob']);
    await failure('segment-no-prompt', ['segment', image, '--model', 'starter']);
    await failure('segment-text-and-click', [
      'segment',
      image,
      '--model',
      'starter',
      '--text',
      'red',
      '--click',
      '1,1',
    ]);
    await failure('segment-bad-click', ['segment', image, '--model', 'starter', '--click', '1;1']);
    await failure('segment-bad-box', ['segment', image, '--model', 'starter', '--box', '1,2,3']);
    await failure('segment-two-boxes', [
      'segment',
      image,
      '--model',
      'starter',
      '--box',
      '1,2,3,4',
      '--box',
      '1,2,3,4',
    ]);
    await failure('segment-bad-threshold', [
      'segment',
      image,
      '--model',
      'starter',
      '--text',
      'red',
      '--threshold',
      '2',
    ]);
    await failure('segment-unknown-model', ['segment', image, '--model', 'nope', '--text', 'red']);
    await failure('segment-missing-image', [
      'segment',
      path.join(root, 'no.png'),
      '--model',
      'starter',
      '--text',
      'red',
    ]);
    await failure('segment-no-model', ['segment', image, '--text', 'red']);
    await failure('segment-out-of-vocabulary', ['segment', image, '--model', 'starter', '--text', 'sofa']);
    await failure('segment-click-outside', ['segment', image, '--model', 'starter', '--click', '500,500']);
    await failure('tag-out-of-vocabulary', ['tag', image, '--labels', 'red,sofa']);
    await failure('tag-no-labels', ['tag', image, '--labels', ' , ']);
    await failure('tag-missing-image', ['tag', path.join(root, 'no.png'), '--labels', 'red']);
    await failure('embed-unknown-model', ['embed', projectDir, '--model', 'nope']);
    await failure('embed-bad-resolution', ['embed', projectDir, '--resolution', '8']);
    await failure('auto-label-no-prompt', ['auto-label', projectDir]);
    await failure('auto-label-no-equals', ['auto-label', projectDir, '--prompt', 'red']);
    await failure('auto-label-unknown-label', ['auto-label', projectDir, '--prompt', 'zebra=stripes']);
    await failure('auto-label-bad-images', [
      'auto-label',
      projectDir,
      '--prompt',
      'red=red',
      '--images',
      'some',
    ]);
    await failure('auto-label-bad-min-score', [
      'auto-label',
      projectDir,
      '--prompt',
      'red=red',
      '--min-score',
      '3',
    ]);
    await failure('review-accept-neither', ['review', 'accept', projectDir]);
    await failure('review-accept-both', ['review', 'accept', projectDir, '--proposal', '1', '--image', '1']);
    await failure('review-accept-bad-id', ['review', 'accept', projectDir, '--proposal', '-3']);
    await failure('review-accept-twice', ['review', 'accept', projectDir, '--proposal', '1']);
    await failure('review-reject-unknown', ['review', 'reject', projectDir, '--proposal', '99999']);
    await failure('propagate-no-label', ['propagate', projectDir]);
    await failure('propagate-unknown-label', ['propagate', projectDir, '--label', 'zebra']);
    await failure('propagate-no-examples', ['propagate', projectDir, '--label', 'green']);
    await failure('propagate-bad-threshold', ['propagate', projectDir, '--label', 'red', '--threshold', '4']);
    await failure('similar-propose-without-annotation', [
      'similar',
      projectDir,
      '--image',
      '1',
      '--propose',
      'red',
    ]);
    await failure('similar-uncached', ['similar', projectDir, '--image', '1']);
    await failure('similar-bad-top', [
      'similar',
      projectDir,
      '--image',
      '1',
      '--top',
      '0',
      '--resolution',
      '128',
    ]);
    await failure('similar-wrong-image', [
      'similar',
      projectDir,
      '--image',
      '2',
      '--annotation',
      '1',
      '--resolution',
      '128',
    ]);
    await failure('duplicates-bad-threshold', ['duplicates', projectDir, '--threshold', '2']);
    await failure('jobs-bad-limit', ['jobs', projectDir, '--limit', '0']);
    await failure('export-bad-format', [
      'export',
      projectDir,
      '--format',
      'csv',
      '--out',
      path.join(root, 'x'),
    ]);
    await failure('export-no-out', ['export', projectDir, '--format', 'coco']);
    await failure('export-bad-split', [
      'export',
      projectDir,
      '--format',
      'coco',
      '--out',
      path.join(root, 'x'),
      '--split',
      'a=b',
    ]);
    await failure('export-bad-images', [
      'export',
      projectDir,
      '--format',
      'coco',
      '--out',
      path.join(root, 'x'),
      '--images',
      'odd',
    ]);
    await failure('export-not-empty', [
      'export',
      projectDir,
      '--format',
      'coco',
      '--out',
      path.join(root, 'out-coco'),
    ]);
    await failure('export-bad-if-exists', [
      'export',
      projectDir,
      '--format',
      'coco',
      '--out',
      path.join(root, 'out-coco'),
      '--if-exists',
      'merge',
    ]);
    await failure('import-annotations-bad-format', [
      'import-annotations',
      projectDir,
      '--format',
      'csv',
      'x.csv',
    ]);
    await failure('models-verify-unknown', ['models', 'verify', 'nope']);
    await failure('models-install-twice', ['models', 'install', path.join(root, 'bundle', 'starter')]);
    await expect(await formatted(errors, 'errors')).toMatchFileSnapshot('golden/errors.json');
  });
});
