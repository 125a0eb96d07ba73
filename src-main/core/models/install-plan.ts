import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { type ApiErrorCode } from '@contract';
import {
  convertibleLanguageAdaptor,
  findCheckpoint,
  samAdaptor,
  type Catalogue,
  type CatalogueCheckpoint,
} from './catalogue';
import { readCheckpointAdaptors, resolveAdaptorName } from './checkpoint-config';
import { type ModelConverters } from './converters';
import { parseSamConfig, samDims } from './convert/sam/sam-config';
import { type HubClient } from './hub';
import { estimateEncoderMemory, type MemoryEstimate, type WeightDtype } from './memory';
import {
  hubRepoSource,
  localRepoSource,
  selectRepoFiles,
  type PlannedFile,
  type RepoSource,
} from './repo-files';
import { formatBytes } from '@shared/format/bytes';
import { AppError } from '../errors';

/**
 * What a catalogue install will do, worked out before a single weight byte moves: which repositories and
 * files (with sizes and hashes from the hub, or from a folder filled by hand), which adaptors, which
 * licences, how much disk and memory. The UI and the CLI show this plan; the runner executes it.
 */

export class InstallRefused extends AppError {
  override readonly name = 'InstallRefused';
  constructor(code: ApiErrorCode, message: string) {
    super(code, message);
  }
}

export type InstallSource =
  { readonly kind: 'hub'; readonly hub: HubClient } | { readonly kind: 'dir'; readonly dir: string };

export type RepoRole = 'checkpoint' | 'text' | 'sam';

export interface PlannedRepo {
  readonly role: RepoRole;
  readonly repo: string;
  readonly revision: string;
  readonly licence: string | null;
  readonly files: readonly PlannedFile[];
  /** The folder holding the files when they were copied by hand; undefined when they are downloaded. */
  readonly localDir?: string;
}

export interface Provides {
  readonly textPrompts: boolean;
  readonly clickDecoder: boolean;
  /** Patch-feature similarity (clicks without a decoder, "label all similar"): every bundle has it. */
  readonly similarity: true;
}

export interface InstallPlan {
  readonly checkpoint: CatalogueCheckpoint;
  readonly bundleId: string;
  readonly bundleName: string;
  readonly resolutionPx: number;
  readonly dtype: WeightDtype;
  /** The checkpoint's own adaptor names; the SAM one with the width of its features. */
  readonly adaptors: {
    readonly language?: string;
    readonly sam?: { readonly name: string; readonly channels: number };
  };
  readonly repos: readonly PlannedRepo[];
  readonly licences: readonly string[];
  /** Bytes to download (0 when every file comes from a folder). */
  readonly downloadBytes: number;
  readonly memory: MemoryEstimate;
  /** Downloads plus the converted bundle (its encoder weights at the chosen width), plus a margin. */
  readonly requiredDiskBytes: number;
  readonly provides: Provides;
  /**
   * The input side at which the encoder's patch grid fills SAM's whole embedding grid (SAM ViT-H: 64
   * patches, 1024 px at 16-px patches), when the install includes the click decoder; else null.
   */
  readonly clickDecoderResolutionPx: number | null;
  readonly notes: readonly string[];
}

const DISK_MARGIN_BYTES = 64 * 2 ** 20;
const MAX_CONFIG_BYTES = 2 ** 20;

export function bundleIdFor(checkpointId: string, resolutionPx: number, dtype: WeightDtype): string {
  return `${checkpointId}-${resolutionPx}-${dtype}`;
}

/** What an install of `cp` gives with the converters this build has, and why not the rest. */
export function providesOf(
  c: Catalogue,
  cp: CatalogueCheckpoint,
  converters: ModelConverters,
): { provides: Provides; notes: string[] } {
  const notes: string[] = [];
  const lang = convertibleLanguageAdaptor(c, cp);
  if (!lang) {
    const other = cp.adaptors.find((a) => a.role === 'language');
    notes.push(
      other
        ? `No text prompts: the ${other.name} adaptor pairs with an open_clip text tower, which RadioLabel cannot convert yet.`
        : 'No text prompts: the checkpoint has no language adaptor.',
    );
  }
  const sam = samAdaptor(c, cp);
  if (!sam) {
    notes.push(
      cp.adaptors.some((a) => a.role === 'sam3')
        ? 'Clicks use feature similarity: the SAM3 decoder of this checkpoint is not converted.'
        : 'Clicks use feature similarity: the checkpoint has no SAM adaptor.',
    );
  } else if (!converters.convertSamDecoder) {
    notes.push('Clicks use feature similarity: this build has no SAM decoder converter yet.');
  }
  return {
    provides: {
      textPrompts: lang !== undefined,
      clickDecoder: sam !== undefined && converters.convertSamDecoder !== undefined,
      similarity: true,
    },
    notes,
  };
}

/** Why `cp` cannot be installed at all with this build, if it cannot. */
export function installBlocker(
  cp: CatalogueCheckpoint,
  c: Catalogue,
  converters: ModelConverters,
): string | undefined {
  if (cp.status.kind === 'unsupported') return cp.status.reason;
  if (c.architectures[cp.architecture]?.kind !== 'vit')
    return `${cp.name} is not a ViT; the converter builds ViT graphs only.`;
  if (!converters.convertRadioCheckpoint) {
    return 'This build of RadioLabel has no RADIO checkpoint converter yet; install a bundle folder instead.';
  }
  return undefined;
}

export function checkResolution(cp: CatalogueCheckpoint, resolutionPx: number): void {
  const min = cp.patchSize * 4;
  if (!Number.isInteger(resolutionPx) || resolutionPx % cp.patchSize !== 0) {
    throw new InstallRefused(
      'invalid_input',
      `The resolution must be a multiple of ${cp.name}'s ${cp.patchSize}-pixel patch, got ${resolutionPx}.`,
    );
  }
  if (resolutionPx < min || resolutionPx > cp.maxResolutionPx) {
    throw new InstallRefused(
      'invalid_input',
      `The resolution must be between ${min} and ${cp.maxResolutionPx} pixels for ${cp.name}, got ${resolutionPx}.`,
    );
  }
}

export function encoderMemory(
  c: Catalogue,
  cp: CatalogueCheckpoint,
  resolutionPx: number,
  dtype: WeightDtype,
  denseOutputs: number,
): MemoryEstimate | null {
  const arch = c.architectures[cp.architecture];
  if (arch?.kind !== 'vit') return null;
  return estimateEncoderMemory(arch, {
    patchSize: cp.patchSize,
    maxResolutionPx: cp.maxResolutionPx,
    heightPx: resolutionPx,
    widthPx: resolutionPx,
    dtype,
    denseOutputs,
  });
}

async function isRealDir(p: string): Promise<boolean> {
  try {
    const st = await lstat(p);
    return st.isDirectory();
  } catch {
    return false;
  }
}

/** A repository's folder inside a hand-filled `--from-dir` folder: `<dir>/<owner>/<name>`, `<dir>/<name>`, or (for the checkpoint) `<dir>`. */
async function findRepoDir(root: string, repo: string, isCheckpoint: boolean): Promise<string> {
  const [owner = '', name = ''] = repo.split('/');
  const candidates = [path.join(root, owner, name), path.join(root, name), ...(isCheckpoint ? [root] : [])];
  for (const dir of candidates) {
    if ((await isRealDir(dir)) && (await localRepoSource(dir)).file('config.json')) return dir;
  }
  throw new InstallRefused(
    'not_found',
    `No folder for ${repo} in ${root} (looked for ${candidates.map((c) => path.relative(root, c) || '.').join(', ')}, each with its config.json).`,
  );
}

async function sourceFor(
  src: InstallSource,
  ref: { repo: string; revision: string },
  role: RepoRole,
  signal?: AbortSignal,
): Promise<{ source: RepoSource; localDir?: string }> {
  if (src.kind === 'dir') {
    const dir = await findRepoDir(src.dir, ref.repo, role === 'checkpoint');
    return { source: await localRepoSource(dir), localDir: dir };
  }
  const listing = await src.hub.listRepo(ref, signal);
  return { source: hubRepoSource(src.hub, ref, listing, signal) };
}

export interface PlanOptions {
  readonly catalogue: Catalogue;
  readonly checkpointId: string;
  readonly resolutionPx?: number;
  readonly dtype?: WeightDtype;
  readonly source: InstallSource;
  readonly converters: ModelConverters;
  readonly signal?: AbortSignal;
}

/** SAM's embedding grid side, read from the SAM repository's config.json (SamConfig). */
async function samGridSide(source: RepoSource, repo: string): Promise<number> {
  const label = `${repo}/config.json`;
  try {
    const text = (await source.read('config.json', MAX_CONFIG_BYTES)).toString('utf8');
    return samDims(parseSamConfig(text, label), label).embedSide;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new InstallRefused('model_error', (e as Error).message);
  }
}

/**
 * The encoder side for the click decoder: RADSeg's recipe (and SAM's own) runs the encoder so that its
 * patch grid fills SAM's embedding grid (64 patches: 1024 px at 16-px patches); capped by the checkpoint.
 */
function samFrameResolution(cp: CatalogueCheckpoint, gridSide: number): number {
  const full = gridSide * cp.patchSize;
  return full <= cp.maxResolutionPx ? full : Math.floor(cp.maxResolutionPx / cp.patchSize) * cp.patchSize;
}

export async function planInstall(o: PlanOptions): Promise<InstallPlan> {
  const c = o.catalogue;
  const cp = findCheckpoint(c, o.checkpointId);
  const blocker = installBlocker(cp, c, o.converters);
  if (blocker) throw new InstallRefused('invalid_input', `${cp.name} cannot be installed: ${blocker}`);
  const dtype = o.dtype ?? 'fp32';
  if (o.resolutionPx !== undefined) checkResolution(cp, o.resolutionPx);
  const { provides, notes } = providesOf(c, cp, o.converters);

  const cpRef = { repo: cp.repo, revision: cp.revision };
  const cpSource = await sourceFor(o.source, cpRef, 'checkpoint', o.signal);
  const config = readCheckpointAdaptors(await cpSource.source.read('config.json', MAX_CONFIG_BYTES), cp.repo);
  const repos: PlannedRepo[] = [
    {
      role: 'checkpoint',
      ...cpRef,
      licence: cp.licence,
      files: await selectRepoFiles(cp, cpSource.source),
      ...(cpSource.localDir ? { localDir: cpSource.localDir } : {}),
    },
  ];

  const adaptors: { language?: string; sam?: { name: string; channels: number } } = {};
  const lang = provides.textPrompts ? convertibleLanguageAdaptor(c, cp) : undefined;
  if (lang) {
    const name = resolveAdaptorName(lang.adaptor, config.names);
    // The checkpoint says which SigLIP2 model its teacher was (radio/siglip2_adaptor.py _VERSION_MAP keys).
    const statedTower = name ? config.teacherModels.get(name) : undefined;
    const towerKey =
      statedTower && c.textTowers[statedTower]?.format === 'siglip2' ? statedTower : lang.towerKey;
    const tower = c.textTowers[towerKey] ?? lang.tower;
    if (!name) {
      notes.push(
        `No text prompts: ${cp.repo} carries no ${lang.adaptor} adaptor (it has ${config.names.join(', ')}).`,
      );
    } else {
      adaptors.language = name;
      if (towerKey !== lang.towerKey)
        notes.push(`The checkpoint pairs ${name} with ${tower.repo}; that tower is used.`);
      const ref = { repo: tower.repo, revision: tower.revision };
      const s = await sourceFor(o.source, ref, 'text', o.signal);
      repos.push({
        role: 'text',
        ...ref,
        licence: tower.licence,
        files: await selectRepoFiles(tower, s.source),
        ...(s.localDir ? { localDir: s.localDir } : {}),
      });
    }
  }
  let resolutionPx = o.resolutionPx ?? cp.preferredResolutionPx;
  let clickDecoderResolutionPx: number | null = null;
  const sam = provides.clickDecoder ? samAdaptor(c, cp) : undefined;
  if (sam) {
    const name = resolveAdaptorName(sam.adaptor, config.names);
    const channels = name ? config.featureDims.get(name) : undefined;
    if (!name) {
      notes.push(`Clicks use feature similarity: ${cp.repo} carries no ${sam.adaptor} adaptor.`);
    } else if (channels === undefined) {
      notes.push(
        `Clicks use feature similarity: ${cp.repo}/config.json does not state the ${name} adaptor's width.`,
      );
    } else {
      const ref = { repo: sam.weights.repo, revision: sam.weights.revision };
      const s = await sourceFor(o.source, ref, 'sam', o.signal);
      const gridSide = await samGridSide(s.source, sam.weights.repo);
      const fullPx = samFrameResolution(cp, gridSide);
      resolutionPx = o.resolutionPx ?? fullPx;
      if (resolutionPx / cp.patchSize > gridSide) {
        notes.push(
          `Clicks use feature similarity: SAM's decoder takes at most a ${gridSide}×${gridSide} patch grid (${gridSide * cp.patchSize} px); install at that size or less for the click decoder.`,
        );
      } else {
        adaptors.sam = { name, channels };
        clickDecoderResolutionPx = fullPx;
        repos.push({
          role: 'sam',
          ...ref,
          licence: sam.weights.licence,
          files: await selectRepoFiles(sam.weights, s.source),
          ...(s.localDir ? { localDir: s.localDir } : {}),
        });
      }
    }
  }
  checkResolution(cp, resolutionPx);

  const memory = encoderMemory(
    c,
    cp,
    resolutionPx,
    dtype,
    (adaptors.language ? 1 : 0) + (adaptors.sam ? 1 : 0),
  );
  if (!memory) throw new InstallRefused('invalid_input', `${cp.name} is not a ViT.`);
  if (clickDecoderResolutionPx !== null) {
    notes.push(
      samResolutionNote(c, cp, {
        dtype,
        denseOutputs: adaptors.language ? 2 : 1,
        resolutionPx,
        fullPx: clickDecoderResolutionPx,
        chosenByPlan: o.resolutionPx === undefined,
      }),
    );
  }
  const downloadBytes = repos
    .filter((r) => !r.localDir)
    .flatMap((r) => r.files)
    .reduce((sum, f) => sum + (f.bytes ?? 0), 0);
  const licences = [...new Set(repos.map((r) => r.licence).filter((l): l is string => l !== null))];
  return {
    checkpoint: cp,
    bundleId: bundleIdFor(cp.id, resolutionPx, dtype),
    bundleName: `${cp.name} · ${resolutionPx} px · ${dtype}`,
    resolutionPx,
    dtype,
    adaptors,
    repos,
    licences,
    downloadBytes,
    memory,
    requiredDiskBytes: downloadBytes + memory.weightsBytes + DISK_MARGIN_BYTES,
    provides: {
      ...provides,
      textPrompts: adaptors.language !== undefined,
      clickDecoder: adaptors.sam !== undefined,
    },
    clickDecoderResolutionPx,
    notes,
  };
}

/**
 * Why the plan took (or did not take) SAM's full input size, and what the other choice costs: the
 * decoder was trained on 1024-px frames, while text prompts are as good at the preferred size and the
 * encoder's time grows with the square of the side (more for attention).
 */
function samResolutionNote(
  c: Catalogue,
  cp: CatalogueCheckpoint,
  o: {
    readonly dtype: WeightDtype;
    readonly denseOutputs: number;
    readonly resolutionPx: number;
    readonly fullPx: number;
    readonly chosenByPlan: boolean;
  },
): string {
  const { resolutionPx, fullPx } = o;
  const mem = (px: number): string =>
    formatBytes(encoderMemory(c, cp, px, o.dtype, o.denseOutputs)?.totalBytes ?? 0);
  if (resolutionPx === fullPx) {
    const smaller = cp.preferredResolutionPx < fullPx ? cp.preferredResolutionPx : undefined;
    return (
      `Click decoder: the encoder is built at ${fullPx} × ${fullPx} px, SAM's own input size, so clicks and boxes get full-resolution SAM masks` +
      (o.chosenByPlan ? ' (chosen because the SAM adaptor is included)' : '') +
      (smaller
        ? `; the checkpoint's preferred ${smaller} px (--resolution ${smaller}) runs the encoder on ${Math.round((fullPx / smaller) ** 2)}× fewer patches (memory ≈ ${mem(smaller)} instead of ${mem(fullPx)}) and gives coarser click masks.`
        : '.')
    );
  }
  const grid = (px: number): string => `${px / cp.patchSize}×${px / cp.patchSize}`;
  return `Click decoder: at ${resolutionPx} × ${resolutionPx} px the image fills ${grid(resolutionPx)} of SAM's ${grid(fullPx)} embedding grid, so click masks are coarser than SAM's; ${fullPx} px (--resolution ${fullPx}) is SAM's own input size (memory ≈ ${mem(fullPx)}).`;
}
