import { Project, touchRecentProject } from '../../core/project';
import { optionalString, positional, type CliCommand } from '../command';
import { projectOptionsFrom } from '../../core/project/settings-options';

export const projectCommands: readonly CliCommand[] = [
  {
    path: ['project', 'create'],
    summary: 'create a project folder (project.radiolabel.sqlite inside)',
    usage: 'project create <dir> [--name N]',
    options: { name: { type: 'string' } },
    run(args, io) {
      const dir = positional(args, 0, 'dir');
      const name = optionalString(args, 'name');
      const project = Project.create(dir, name === undefined ? {} : { name }, projectOptionsFrom(io.dataDir));
      try {
        const info = project.info();
        touchRecentProject(io.dataDir, { dir: info.dir, name: info.name });
        return Promise.resolve(info);
      } finally {
        project.close();
      }
    },
  },
];
