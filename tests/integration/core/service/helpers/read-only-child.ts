/**
 * Child for the read-only project test (run as "nobody" when the test runs as root, since root ignores
 * permissions): opens the project through the service and tries what a user would. Prints the outcomes
 * as one JSON line. Run as: node --import tsx read-only-child.ts <projectDir> <dataDir> <exportDir>
 */
import { createRadioLabelService } from '../../../../../src-main/core/api';
import { dispatch } from '../../../../../src-main/core/service/dispatch';
import { type ApiGroup, type Result } from '@contract';

const [dir, dataDir, exportDir] = process.argv.slice(2);
if (!dir || !dataDir || !exportDir)
  throw new Error('usage: read-only-child.ts <projectDir> <dataDir> <exportDir>');
const service = createRadioLabelService({ dataDir, mode: 'browser', version: 't', appRoot: process.cwd() });
const call = (group: string, method: string, input: unknown): Promise<Result<unknown>> =>
  dispatch(service.handlers, { group: group as ApiGroup, method }, input);
const outcomes: Record<string, Result<unknown>> = {};
outcomes.open = await call('projects', 'open', { dir });
outcomes.current = await call('projects', 'current', {});
outcomes.list = await call('images', 'list', {});
outcomes.labels = await call('labels', 'list', {});
outcomes.jobs = await call('jobs', 'list', {});
outcomes.jobHistory = await call('jobs', 'history', {});
outcomes.export = await call('exports', 'run', {
  format: 'coco',
  outDir: exportDir,
  imageFiles: 'reference',
});
outcomes.createLabel = await call('labels', 'create', { name: 'new' });
outcomes.setStatus = await call('images', 'setStatus', { imageId: 1, status: 'done' });
await service.dispose();
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
