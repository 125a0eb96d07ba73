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
