/** Child for the unreadable-file test: imports argv[3…] into the project argv[2] and prints the report as JSON. */
import { Project } from '../../../../../src-main/core/project';

const [dir, ...inputs] = process.argv.slice(2);
if (!dir || inputs.length === 0) throw new Error('usage: import-report <projectDir> <paths…>');
const project = Project.open(dir);
try {
  process.stdout.write(JSON.stringify((await project.importImages(inputs)).report));
} finally {
  project.close();
}
