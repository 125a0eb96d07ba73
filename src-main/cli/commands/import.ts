import { withProject } from '../../core/project';
import { CliUsageError, positional, type CliCommand } from '../command';
import { projectOptionsFrom } from '../../core/project/settings-options';

export const importCommands: readonly CliCommand[] = [
  {
    path: ['import'],
    summary: 'import image files and folders (recursive) into a project',
    usage: 'import <dir> <paths…>',
    options: {},
    run(args, io) {
      const dir = positional(args, 0, 'dir');
      const inputs = args.positionals.slice(1);
      if (inputs.length === 0)
        throw new CliUsageError('missing argument <paths…>: give image files or folders');
      return withProject(dir, projectOptionsFrom(io.dataDir), async (project) => {
        let last = 0;
        const result = await project.importImages(inputs, {
          onProgress: (done, path) => {
            const now = Date.now();
            if (now - last > 500) {
              last = now;
              io.progress(`${done} files… ${path}`);
            }
          },
        });
        return result.report;
      });
    },
  },
];
