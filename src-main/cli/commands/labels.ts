import { withProject } from '../../core/project';
import { optionalString, positional, type CliCommand, CliUsageError } from '../command';
import { projectOptionsFrom } from '../../core/project/settings-options';

export const labelsCommands: readonly CliCommand[] = [
  {
    path: ['labels', 'add'],
    summary: 'add labels to a project (existing names are left as they are)',
    usage: 'labels add <dir> <name…> [--color #rrggbb]',
    options: { color: { type: 'string' } },
    run(args, io) {
      const dir = positional(args, 0, 'dir');
      const names = args.positionals.slice(1);
      if (names.length === 0) throw new CliUsageError('missing argument <name…>');
      const color = optionalString(args, 'color');
      return withProject(dir, projectOptionsFrom(io.dataDir), (project) =>
        names.map(
          (name) =>
            project.labels.findByName(name) ?? project.labels.create({ name, ...(color ? { color } : {}) }),
        ),
      );
    },
  },
  {
    path: ['labels', 'list'],
    summary: "list a project's labels",
    usage: 'labels list <dir>',
    options: {},
    run(args, io) {
      return withProject(positional(args, 0, 'dir'), projectOptionsFrom(io.dataDir), (project) =>
        project.labels.list(),
      );
    },
  },
];
