import { type CatalogueEntry, type Provides } from '@contract';

/** Pure formatting for the model manager (no React): sizes, times, counts, choices. */

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(n >= 100 * 2 ** 20 ? 0 : 1)} MB`;
  if (n >= 2 ** 10) return `${Math.round(n / 2 ** 10)} KB`;
  return `${n} B`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s left`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s left`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min left`;
}

export function formatParameters(n: number | null): string {
  if (n === null) return '—';
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} B params` : `${Math.round(n / 1e6)} M params`;
}

/** What a model gives the user, in the words the tools use. */
export function providesLabels(p: Provides): string[] {
  return [
    ...(p.textPrompts ? ['Text prompts'] : []),
    ...(p.clickDecoder ? ['Click decoder'] : []),
    'Similarity',
  ];
}

const COMMON_SIDES = [224, 256, 384, 432, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048];

/** Input sides offered for a checkpoint: multiples of its patch, from 4 patches to its maximum. */
export function resolutionChoices(
  e: Pick<CatalogueEntry, 'patchSize' | 'preferredResolutionPx' | 'maxResolutionPx'>,
  /** SAM's input size from the install plan, offered too when known. */
  clickDecoderPx?: number | null,
): number[] {
  const ok = (px: number): boolean =>
    px % e.patchSize === 0 && px >= 4 * e.patchSize && px <= e.maxResolutionPx;
  const extra = clickDecoderPx ? [clickDecoderPx] : [];
  return [...new Set([...COMMON_SIDES.filter(ok), e.preferredResolutionPx, ...extra])].sort((a, b) => a - b);
}

/** A new install id (the service keys progress and cancel on it). */
export function newInstallId(): string {
  return globalThis.crypto.randomUUID();
}
