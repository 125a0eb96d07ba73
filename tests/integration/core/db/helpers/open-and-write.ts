/** Child for the read-only-folder test: tries to open the project in argv[2] and add a label; prints the outcome as JSON. */
import { toApiError } from '../../../../../src-main/core/errors';
import { Project } from '../../../../../src-main/core/project';

const dir = process.argv[2];
if (!dir) throw new Error('usage: open-and-write <projectDir>');
try {
  const project = Project.open(dir);
  try {
    project.labels.create({ name: 'written' });
    process.stdout.write(JSON.stringify({ ok: true }));
  } finally {
    project.close();
  }
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: toApiError(e) }));
}
