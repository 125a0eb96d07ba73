import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { licenceOf, type Catalogue } from './catalogue';
import { type ConvertProgress, type ModelConverters } from './converters';
import { formatBytes } from '@shared/format/bytes';
import { freeDiskBytes } from './disk-space';
import { downloadFile } from './download';
import { type HubClient } from './hub';
import { InstallRefused, type InstallPlan, type PlannedRepo } from './install-plan';
import { publishBundle, type InstalledBundle } from './install';
import { recordLicenceAcceptances } from './licence-record';
import { bundleManifestSchema, parseManifest, type BundleManifest } from './manifest';
import { createStaging } from './staging';
import { TransferRate } from './transfer-rate';
import { readManifest, verifyBundleFiles } from './verify';

/**
 * Runs an install plan: licence check and record, free-disk check, download into a staging folder inside
 * the models dir (resumable per file, size and hash checked), convert, verify, and one rename into place.
 * The staging folder is removed whatever happens, so a failure or a cancel leaves nothing behind.
 */

export type InstallPhase = 'downloading' | 'converting' | 'verifying' | 'installing';

export interface InstallProgress {
  readonly phase: InstallPhase;
  readonly file?: string;
  readonly receivedBytes: number;
  readonly totalBytes: number | null;
  readonly bytesPerSecond: number | null;
  readonly etaSeconds: number | null;
}

export interface RunInstallOptions {
  readonly catalogue: Catalogue;
  readonly modelsDir: string;
  readonly dataDir: string;
  /** Where downloads come from; unused when every repository comes from a folder. */
  readonly hub?: HubClient;
  readonly converters: ModelConverters;
  /** Full check through the inference worker (graph names and ranks, one smoke run per graph). */
  readonly verifyBundle: (dir: string) => Promise<void>;
  readonly reservedIds: readonly string[];
  readonly replace?: boolean;
  /** Licence ids the user accepted for this install. */
  readonly acceptedLicences: readonly string[];
  readonly acceptedBy: string;
  readonly via: 'app' | 'cli';
  readonly onProgress?: (p: InstallProgress) => void;
  readonly signal?: AbortSignal;
  readonly retryDelayMs?: number;
  /** Free bytes of the models volume; statfs by default. */
  readonly freeBytes?: (dir: string) => Promise<number>;
}

function missingLicences(plan: InstallPlan, o: RunInstallOptions): string[] {
  return plan.licences.filter((l) => !o.acceptedLicences.includes(l));
}

/** The sentence shown when a licence was not accepted: names each licence and how to accept it. */
export function licenceRequiredMessage(plan: InstallPlan, c: Catalogue, missing: readonly string[]): string {
  const parts = missing.map((id) => {
    const l = licenceOf(c, id);
    const repos = plan.repos.filter((r) => r.licence === id).map((r) => r.repo);
    return `${l.name} (${id}, ${l.url}) for ${repos.join(', ')}`;
  });
  return `Installing ${plan.checkpoint.name} needs your acceptance of ${parts.join('; ')}.`;
}

async function downloadRepos(
  plan: InstallPlan,
  staging: string,
  o: RunInstallOptions,
): Promise<Map<PlannedRepo['role'], string>> {
  const dirs = new Map<PlannedRepo['role'], string>();
  const rate = new TransferRate();
  let doneBytes = 0;
  const total = plan.downloadBytes;
  for (const repo of plan.repos) {
    if (repo.localDir) {
      dirs.set(repo.role, repo.localDir);
      continue;
    }
    if (!o.hub) throw new InstallRefused('invalid_input', `No hub to download ${repo.repo} from.`);
    const hub = o.hub;
    const dir = path.join(staging, 'sources', repo.role);
    dirs.set(repo.role, dir);
    for (const f of repo.files) {
      const dest = path.join(dir, f.path);
      await mkdir(path.dirname(dest), { recursive: true });
      const ref = { repo: repo.repo, revision: repo.revision };
      await downloadFile({
        urls: [hub.fileUrl(ref, f.path)],
        dest,
        label: `${repo.repo}/${f.path}`,
        ...(f.expected ? { expected: f.expected } : {}),
        ...(f.bytes !== null ? { maxBytes: f.bytes } : {}),
        fetch: hub.fetch,
        describeStatus: hub.describeStatus(ref, f.path),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.retryDelayMs !== undefined ? { retryDelayMs: o.retryDelayMs } : {}),
        onProgress: (p) => {
          const received = doneBytes + p.receivedBytes;
          const bytesPerSecond = rate.update(received);
          o.onProgress?.({
            phase: 'downloading',
            file: `${repo.repo}/${f.path}`,
            receivedBytes: received,
            totalBytes: total,
            bytesPerSecond,
            etaSeconds: rate.etaSeconds(received, total),
          });
        },
      });
      doneBytes += f.bytes ?? 0;
    }
    await keepDownloadedShards(dir, repo);
  }
  return dirs;
}

const WEIGHTS_INDEX = 'model.safetensors.index.json';

/**
 * When only some shards were fetched (a text tower needs none of the vision tower's), the staged index
 * is rewritten to list just those, so that a converter that opens every listed shard finds them all. The
 * hub's index was checked against its hash before this.
 */
async function keepDownloadedShards(dir: string, repo: PlannedRepo): Promise<void> {
  if (!repo.files.some((f) => f.path === WEIGHTS_INDEX)) return;
  const file = path.join(dir, WEIGHTS_INDEX);
  const index = JSON.parse(await readFile(file, 'utf8')) as { weight_map: Record<string, string> };
  const present = new Set(repo.files.map((f) => f.path));
  const kept = Object.entries(index.weight_map).filter(([, shard]) => present.has(shard));
  if (kept.length === Object.keys(index.weight_map).length) return;
  await writeFile(file, `${JSON.stringify({ ...index, weight_map: Object.fromEntries(kept) }, null, 2)}\n`);
}

async function convert(
  plan: InstallPlan,
  dirs: Map<PlannedRepo['role'], string>,
  outDir: string,
  o: RunInstallOptions,
): Promise<BundleManifest> {
  const convertCheckpoint = o.converters.convertRadioCheckpoint;
  if (!convertCheckpoint)
    throw new InstallRefused('unavailable', 'This build has no RADIO checkpoint converter.');
  const cp = plan.checkpoint;
  const licences = plan.licences.map((id) => licenceOf(o.catalogue, id).name);
  const report = (step: string, done: number, total: number): void =>
    o.onProgress?.({
      phase: 'converting',
      file: step,
      receivedBytes: done,
      totalBytes: total,
      bytesPerSecond: null,
      etaSeconds: null,
    });
  const onConvertProgress = (p: ConvertProgress): void => {
    if (p.kind === 'layer') report(`${p.part} layers`, p.done, p.total);
    else if (p.kind === 'stage') report(p.message, 0, 1);
  };
  report('encoder', 0, 1);
  const textTowerDir = dirs.get('text');
  const result = await convertCheckpoint({
    checkpointDir: dirs.get('checkpoint') ?? '',
    ...(textTowerDir ? { textTowerDir } : {}),
    outDir,
    resolution: plan.resolutionPx,
    dtype: plan.dtype,
    adaptors: { language: plan.adaptors.language ?? null, sam: plan.adaptors.sam?.name ?? null },
    meta: {
      id: plan.bundleId,
      name: plan.bundleName,
      license: licences.join('; '),
      sourceUrl: `https://huggingface.co/${cp.repo}`,
      description: `${cp.name} converted by RadioLabel at ${plan.resolutionPx}×${plan.resolutionPx} px (${plan.dtype}).`,
    },
    onProgress: onConvertProgress,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  let manifest = parseManifest(result, plan.bundleId);
  const samDir = dirs.get('sam');
  if (samDir && plan.adaptors.sam && o.converters.convertSamDecoder) {
    report('mask decoder', 0, 1);
    const grid = plan.resolutionPx / cp.patchSize;
    const sam = await o.converters.convertSamDecoder({
      samDir,
      outDir,
      encoderGrid: {
        heightPatches: grid,
        widthPatches: grid,
        patchSizePx: cp.patchSize,
        channels: plan.adaptors.sam.channels,
      },
    });
    o.signal?.throwIfAborted();
    manifest = parseManifest(
      bundleManifestSchema.parse({ ...manifest, mask_decoder: sam.maskDecoder }),
      plan.bundleId,
    );
  }
  if (manifest.id !== plan.bundleId) {
    throw new InstallRefused(
      'model_error',
      `The converter wrote bundle "${manifest.id}", expected "${plan.bundleId}".`,
    );
  }
  await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export async function runCatalogueInstall(plan: InstallPlan, o: RunInstallOptions): Promise<InstalledBundle> {
  const missing = missingLicences(plan, o);
  if (missing.length > 0)
    throw new InstallRefused('invalid_input', licenceRequiredMessage(plan, o.catalogue, missing));
  if (o.reservedIds.includes(plan.bundleId)) {
    throw new InstallRefused('conflict', `A built-in model already uses the id ${plan.bundleId}.`);
  }
  await mkdir(o.modelsDir, { recursive: true });
  const free = await (o.freeBytes ?? freeDiskBytes)(o.modelsDir);
  if (free < plan.requiredDiskBytes) {
    throw new InstallRefused(
      'io_error',
      `Not enough free disk space in ${o.modelsDir}: installing ${plan.checkpoint.name} needs ${formatBytes(plan.requiredDiskBytes)} (downloads ${formatBytes(plan.downloadBytes)} plus the converted model), and ${formatBytes(free)} are free.`,
    );
  }
  const acceptedAt = new Date().toISOString();
  await recordLicenceAcceptances(
    o.dataDir,
    plan.repos.flatMap((r) => {
      if (r.licence === null) return [];
      const l = licenceOf(o.catalogue, r.licence);
      return [
        {
          acceptedAt,
          acceptedBy: o.acceptedBy,
          via: o.via,
          licence: l.id,
          licenceName: l.name,
          licenceUrl: l.url,
          repo: r.repo,
          catalogueId: plan.checkpoint.id,
        },
      ];
    }),
  );
  const staging = await createStaging(o.modelsDir, plan.bundleId);
  try {
    const dirs = await downloadRepos(plan, staging, o);
    o.signal?.throwIfAborted();
    const outDir = path.join(staging, 'bundle');
    await mkdir(outDir, { recursive: true });
    await convert(plan, dirs, outDir, o);
    o.signal?.throwIfAborted();
    o.onProgress?.({
      phase: 'verifying',
      receivedBytes: 0,
      totalBytes: null,
      bytesPerSecond: null,
      etaSeconds: null,
    });
    // The bundle is read back from disk exactly as the app will read it: regular files only, hashes, graphs
    // and one smoke run each.
    const onDisk = await readManifest(outDir);
    await verifyBundleFiles(outDir, onDisk);
    await o.verifyBundle(outDir);
    o.signal?.throwIfAborted();
    o.onProgress?.({
      phase: 'installing',
      receivedBytes: 0,
      totalBytes: null,
      bytesPerSecond: null,
      etaSeconds: null,
    });
    return await publishBundle(outDir, onDisk, {
      modelsDir: o.modelsDir,
      reservedIds: o.reservedIds,
      ...(o.replace !== undefined ? { replace: o.replace } : {}),
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
