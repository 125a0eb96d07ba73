import { resolve } from 'node:path';

/**
 * Import aliases shared by every build and test config (tsconfig.base.json `paths` says the same for tsc
 * and tsx): `@contract` is the one typed API that main, the preload and the renderer all import;
 * `@shared` holds pure code (no Node, no DOM, no dependencies) that main and the renderer both run.
 */
export const aliases: Record<string, string> = {
  '@contract': resolve(import.meta.dirname, 'src-preload/contract'),
  '@shared': resolve(import.meta.dirname, 'src-shared'),
};
