import { type Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type Readable } from 'node:stream';
import yazl from 'yazl';

/**
 * A zip of every file under `dir`, as a stream: yazl opens each file only when its turn comes and the
 * archive is never held in memory, so a dataset of any size streams at a constant footprint. Entries
 * are named relative to `dir`, under `rootName/`. Images are stored (they are compressed already), the
 * rest deflated.
 */
export async function zipFolder(dir: string, rootName: string): Promise<Readable> {
  const zip = new yazl.ZipFile();
  for (const rel of await listFiles(dir)) {
    const compress = !/\.(jpe?g|png|webp|gif|tiff?|bmp|zip)$/i.test(rel);
    zip.addFile(path.join(dir, rel), `${rootName}/${rel.split(path.sep).join('/')}`, { compress });
  }
  zip.end();
  // yazl's typings name a web ReadableStream; at run time it is a Node stream.
  return zip.outputStream as unknown as Readable;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries: Dirent[] = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) await visit(child);
      else if (e.isFile()) out.push(child);
    }
  };
  await visit('');
  return out;
}
