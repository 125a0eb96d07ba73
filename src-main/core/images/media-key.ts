import { type ImageId } from '@contract';

/**
 * Media addresses: `<projectKey>/<imageId>/<sha16>` (+ `/thumbnail`), below `app://media/` in Electron and
 * `/media/` in browser mode. The project key and the first 64 bits of the content hash make an address
 * name one project's one file content: a reused id in another project, or a file replaced since, is a
 * different address, so a cached response can never show the wrong pixels.
 */
export type MediaVariant = 'original' | 'thumbnail';

export interface MediaRequest {
  readonly projectKey: string;
  readonly imageId: ImageId;
  readonly sha256Prefix: string;
  readonly variant: MediaVariant;
}

const HASH_PREFIX_CHARS = 16;

export function mediaKey(projectKey: string, imageId: number, sha256: string): string {
  return `${projectKey}/${imageId}/${sha256.slice(0, HASH_PREFIX_CHARS)}`;
}

/**
 * The strict parser of everything after `media/`: exactly `<16 hex>/<id>/<16 hex>` with an optional
 * `/thumbnail`. Ids are plain decimal (no `0x1`, `1e0`, ` 1`, `01`); any other shape (paths, "..",
 * encoded slashes) is undefined, which adapters answer 404.
 */
export function parseMediaRequest(rest: string): MediaRequest | undefined {
  const m = /^([0-9a-f]{16})\/([1-9][0-9]{0,15})\/([0-9a-f]{16})(\/thumbnail)?$/.exec(rest);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  const id = Number(m[2]);
  if (!Number.isSafeInteger(id)) return undefined;
  return {
    projectKey: m[1],
    imageId: id as ImageId,
    sha256Prefix: m[3],
    variant: m[4] ? 'thumbnail' : 'original',
  };
}
