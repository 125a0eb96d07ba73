/**
 * Child process for the kill -9 test: streams patches to image 1 of the project in argv[2] and prints
 * each revision once its transaction has committed. Revision r leaves exactly (r % 5) + 1 boxes with
 * x = r, all stamped with revision r: anything else after a crash is a half-applied patch.
 */
import { asImageId, asLabelId } from '@contract';
import { Project } from '../../../../../src-main/core/project';

const dir = process.argv[2];
if (!dir) throw new Error('usage: patch-writer <projectDir>');
const project = Project.open(dir);
const image = asImageId(1);
const label = asLabelId(1);
// A big polygon makes each transaction span many pages, so that kills land inside commits too.
const ring = Array.from({ length: 4000 }, (_, i) =>
  i % 2 === 0 ? 10 + Math.cos(i) * 5 : 10 + Math.sin(i) * 5,
);

let revision = project.annotations.list(image).revision;
for (;;) {
  const current = project.annotations.list(image).items;
  const next = revision + 1;
  const count = (next % 5) + 1;
  const result = project.annotations.applyPatch(
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
