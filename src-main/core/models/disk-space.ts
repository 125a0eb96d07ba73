import { statfs } from 'node:fs/promises';
import path from 'node:path';

/** Bytes free to this user on the volume holding `dir` (or its nearest existing parent). */
export async function freeDiskBytes(dir: string): Promise<number> {
  let cur = path.resolve(dir);
  for (;;) {
    try {
      const s = await statfs(cur);
      return s.bavail * s.bsize;
    } catch (e) {
      const parent = path.dirname(cur);
      if ((e as { code?: string }).code !== 'ENOENT' || parent === cur) throw e;
      cur = parent;
    }
  }
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}
