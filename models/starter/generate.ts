/** `npm run models:starter`: regenerates the committed starter bundle next to this file. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStarterBundle } from './starter-bundle';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const [name, bytes] of buildStarterBundle()) {
  writeFileSync(path.join(here, name), bytes);
  process.stdout.write(`wrote models/starter/${name} (${bytes.byteLength} bytes)\n`);
}
