import { withProject } from '../../core/project';
import { positional, type CliCommand } from '../command';
import { projectOptionsFrom } from '../../core/project/settings-options';

export const infoCommands: readonly CliCommand[] = [
  {
    path: ['info'],
    summary: 'print counts for a project: images, labels, annotations, cache bytes, schema version',
    usage: 'info <dir>',
    options: {},
    run(args, io) {
      return withProject(positional(args, 0, 'dir'), projectOptionsFrom(io.dataDir), (project) => {
        const { images, labels, annotations, cacheBytes, schemaVersion } = project.info();
        return { images, labels, annotations, cacheBytes, schemaVersion };
      });
    },
  },
];
