import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readManifest } from './verify';

const cache = new Map<string, Promise<string[] | null>>();

/**
 * The words a bundle's prompts may use when its vocabulary is closed (text.unknown_tokens "error", as
 * the starter's colour words), for the prompt bar to show; null for an open vocabulary or no text tower.
 * Special tokens ([PAD], [UNK]…) are left out.
 */
export function closedVocabulary(bundleDir: string): Promise<string[] | null> {
  let found = cache.get(bundleDir);
  if (!found) {
    found = readVocabulary(bundleDir).catch(() => null);
    cache.set(bundleDir, found);
  }
  return found;
}

async function readVocabulary(bundleDir: string): Promise<string[] | null> {
  const manifest = await readManifest(bundleDir);
  const text = manifest.text;
  if (!text || text.unknown_tokens !== 'error') return null;
  const json = JSON.parse(await readFile(path.join(bundleDir, text.tokenizer), 'utf8')) as {
    model?: { vocab?: Record<string, number> | [string, number][] };
    added_tokens?: { content: string }[];
  };
  const vocab = json.model?.vocab;
  if (!vocab) return null;
  const words = Array.isArray(vocab) ? vocab.map(([w]) => w) : Object.keys(vocab);
  const special = new Set((json.added_tokens ?? []).map((t) => t.content));
  return words.filter((w) => !special.has(w) && /^[\p{L}\p{N}]/u.test(w));
}
