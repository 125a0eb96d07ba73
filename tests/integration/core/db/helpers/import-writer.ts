/** Child process for the killed-import test: imports argv[3] into the project argv[2], printing committed files. */
import { Project } from '../../../../../src-main/core/project';

const [dir, folder] = process.argv.slice(2);
if (!dir || !folder) throw new Error('usage: import-writer <projectDir> <folder>');
const project = Project.open(dir);
await project.importImages([folder], {
  batchSize: 4,
  concurrency: 1,
  onCommitted: (outcomes) => {
    for (const o of outcomes) if (o.kind === 'added') process.stdout.write(`${o.path}\n`);
  },
});
process.stdout.write('DONE\n');
project.close();
