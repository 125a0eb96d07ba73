/**
 * Child process of the formats bench, so that its peak RSS is the import's own:
 *   coco-import-child.ts read <file>             read + validate every event, no database
 *   coco-import-child.ts import <project> <file> the full import into a SQLite project
 * Prints one JSON line: wall and CPU milliseconds, peak RSS (MiB), counts.
 */
import path from 'node:path';
import { readCoco } from '../../src-main/core/formats/coco-import';
import { importAnnotations } from '../../src-main/core/formats/import-annotations';
import { ErrorList } from '../../src-main/core/formats/import-types';
import { projectImportSink } from '../../src-main/core/formats/project-adapter';
import { Project } from '../../src-main/core/project';

const [mode, a, b] = process.argv.slice(2);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let result: Record<string, unknown>;
if (mode === 'read' && a !== undefined) {
  const errors = new ErrorList();
  let annotations = 0;
  let images = 0;
  for await (const ev of readCoco(a, errors, {})) {
    if (ev.kind === 'annotation') annotations++;
    else if (ev.kind === 'image') images++;
  }
  result = { annotations, images, errors: errors.size };
} else if (mode === 'import' && a !== undefined && b !== undefined) {
  const project = Project.open(a);
  try {
    const r = await importAnnotations(projectImportSink(project), { format: 'coco', path: b });
    result = {
      imported: r.imported,
      matchedImages: r.matchedImages,
      errors: r.errors.length,
      firstError: r.errors[0] ?? null,
    };
  } finally {
    project.close();
  }
} else {
  throw new Error(
    `usage: ${path.basename(process.argv[1] ?? 'child')} read <file> | import <project> <file>`,
  );
}
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    ...result,
    wallMs: Math.round(performance.now() - t0),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
