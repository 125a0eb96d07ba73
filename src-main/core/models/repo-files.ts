import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type ExpectedContent } from './download';
import { HubError, type HubClient, type RemoteFile, type RepoRef } from './hub';

/**
 * The files of one repository that an install needs, from either the hub's listing or a folder the user
 * filled by hand (`--from-dir`). The same selection runs on both, so both take exactly the same files.
 */

export interface PlannedFile {
  /** Path inside the repository ("/"-separated, relative). */
  readonly path: string;
  /** Null when a hand-filled folder is the source and nothing states the size. */
  readonly bytes: number | null;
  readonly expected?: ExpectedContent;
}

export interface RepoSource {
  /** "owner/name", or the folder path for a hand-filled folder. */
  readonly label: string;
  file(relPath: string): PlannedFile | undefined;
  /** Why a path that is present cannot be used (a symbolic link), if it is refused. */
  refused(relPath: string): string | undefined;
  read(relPath: string, maxBytes: number): Promise<Buffer>;
}

export function hubRepoSource(
  hub: HubClient,
  ref: RepoRef,
  listing: ReadonlyMap<string, RemoteFile>,
  signal?: AbortSignal,
): RepoSource {
  return {
    label: ref.repo,
    file: (p) => listing.get(p),
    refused: () => undefined,
    read: (p, maxBytes) => {
      const f = listing.get(p);
      if (!f) throw new HubError('not_found', `${ref.repo} has no file ${p}.`);
      return hub.readSmallFile(ref, f, maxBytes, signal);
    },
  };
}

const MAX_WALK_ENTRIES = 10_000;

/** A folder's regular files (symbolic links are listed as refused, never followed). */
export async function localRepoSource(dir: string): Promise<RepoSource> {
  const files = new Map<string, PlannedFile>();
  const refused = new Map<string, string>();
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 4 || files.size + refused.size > MAX_WALK_ENTRIES) return;
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        refused.set(relPath, `${path.join(dir, relPath)} is a symbolic link; put the file itself there`);
      } else if (entry.isDirectory()) {
        await walk(relPath, depth + 1);
      } else if (entry.isFile()) {
        files.set(relPath, { path: relPath, bytes: (await lstat(path.join(dir, relPath))).size });
      }
    }
  };
  await walk('', 0);
  return {
    label: dir,
    file: (p) => files.get(p),
    refused: (p) => refused.get(p),
    read: async (p, maxBytes) => {
      const f = files.get(p);
      if (!f) throw new HubError('not_found', `${path.join(dir, p)} is missing.`);
      if ((f.bytes ?? 0) > maxBytes) {
        throw new HubError('payload_too_large', `${path.join(dir, p)} is larger than ${maxBytes} bytes.`);
      }
      return readFile(path.join(dir, p));
    },
  };
}

const WEIGHTS = 'model.safetensors';
const WEIGHTS_INDEX = 'model.safetensors.index.json';
const MAX_INDEX_BYTES = 8 * 2 ** 20;

const indexSchema = z.object({ weight_map: z.record(z.string(), z.string()) });
const shardNameSchema = z
  .string()
  .regex(/^[\w.-]+\.safetensors$/, 'a shard must be a .safetensors file name in the same folder');

function required(src: RepoSource, p: string): PlannedFile {
  const why = src.refused(p);
  if (why) throw new HubError('invalid_input', `${why}.`);
  const f = src.file(p);
  if (!f) throw new HubError('not_found', `${src.label} has no file ${p}.`);
  return f;
}

/**
 * The named files (and the optional ones that exist) plus the safetensors weights: `model.safetensors`, or the index and the shards that hold
 * tensors starting with one of `weightPrefixes` (all shards when it is empty). Pickled weights (.bin, .pth)
 * are never used.
 */
export async function selectRepoFiles(
  spec: {
    readonly files: readonly string[];
    readonly optionalFiles?: readonly string[];
    readonly weightPrefixes: readonly string[];
  },
  src: RepoSource,
): Promise<PlannedFile[]> {
  const out = spec.files.map((f) => required(src, f));
  for (const f of spec.optionalFiles ?? []) {
    if (src.file(f) || src.refused(f)) out.push(required(src, f));
  }
  if (src.file(WEIGHTS) || src.refused(WEIGHTS)) return [...out, required(src, WEIGHTS)];
  if (!src.file(WEIGHTS_INDEX) && !src.refused(WEIGHTS_INDEX)) {
    throw new HubError(
      'not_found',
      `${src.label} has no safetensors weights (${WEIGHTS} or ${WEIGHTS_INDEX}); pickled .bin/.pth weights are never loaded.`,
    );
  }
  const indexFile = required(src, WEIGHTS_INDEX);
  let index: z.infer<typeof indexSchema>;
  try {
    index = indexSchema.parse(JSON.parse((await src.read(WEIGHTS_INDEX, MAX_INDEX_BYTES)).toString()));
  } catch (e) {
    if (e instanceof HubError) throw e;
    throw new HubError('model_error', `${src.label}/${WEIGHTS_INDEX} is not a safetensors index.`);
  }
  const shards = new Set<string>();
  for (const [tensor, shard] of Object.entries(index.weight_map)) {
    if (spec.weightPrefixes.length === 0 || spec.weightPrefixes.some((p) => tensor.startsWith(p))) {
      const ok = shardNameSchema.safeParse(shard);
      if (!ok.success)
        throw new HubError('model_error', `${src.label}/${WEIGHTS_INDEX}: "${shard}" is not a shard name.`);
      shards.add(shard);
    }
  }
  if (shards.size === 0) {
    throw new HubError(
      'model_error',
      `${src.label}/${WEIGHTS_INDEX} names no tensor starting with ${spec.weightPrefixes.join(' or ')}.`,
    );
  }
  return [...out, indexFile, ...[...shards].sort().map((s) => required(src, s))];
}
