/**
 * Child process for the kill -9 test: streams patches to image 1 of the project in argv[2] and prints
 * each revision once its transaction has committed. Revision r leaves exactly (r % 5) + 1 boxes with
 * x = r, all stamped with revision r: anything else after a crash is a half-applied patch.
 */
import path from 'node:path';
import { asImageId, asLabelId } from '@contract';
import { AnnotationsRepo } from '../../../../../src-main/core/db/annotations-repo';
import { PROJECT_DB_FILE, openProjectDb } from '../../../../../src-main/core/db/open-db';

const dir = process.argv[2];
if (!dir) throw new Error('usage: patch-writer <projectDir>');
// The store alone (no image decoding, no models): the child starts in a fraction of a second.
const annotations = new AnnotationsRepo(openProjectDb(path.join(dir, PROJECT_DB_FILE), { create: false }));
const image = asImageId(1);
const label = asLabelId(1);
// A big polygon makes each transaction span many pages, so that kills land inside commits too.
const ring = Array.from({ length: 4000 }, (_, i) =>
  i % 2 === 0 ? 10 + Math.cos(i) * 5 : 10 + Math.sin(i) * 5,
);

let revision = annotations.list(image).revision;
for (;;) {
  const current = annotations.list(image).items;
  const next = revision + 1;
  const count = (next % 5) + 1;
  const result = annotations.applyPatch(
    image,
    {
      removed: current.map((a) => a.id),
      added: Array.from({ length: count }, (_, i) => ({
        clientId: `c${i}`,
        labelId: label,
        geometry:
          i === 0
            ? { kind: 'polygon' as const, rings: [[next, 0, ...ring]] }
            : { kind: 'box' as const, x: next, y: i, widthPx: 1, heightPx: 1 },
        score: null,
        source: 'manual' as const,
      })),
    },
    revision,
  );
  revision = result.revision;
  process.stdout.write(`${revision}\n`);
}
