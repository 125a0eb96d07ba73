import { positional, positionalList, stringFlag, type CliCommand } from '../command';

export const labelsCommands: readonly CliCommand[] = [
  {
    path: ['labels', 'add'],
    summary: 'add labels to a project (existing names are left as they are)',
    usage: 'labels add <dir> <name…> [--color #rrggbb]',
    options: { color: { type: 'string' } },
    fields: { names: '<name…>', color: '--color' },
    run(args, cli) {
      const dir = positional(args, 0, 'dir');
      const names = positionalList(args, 1, 'name…');
      const color = stringFlag(args, 'color');
      return cli.inProject(dir, () =>
        cli.api.labels.ensure({ names, ...(color === undefined ? {} : { color }) }),
      );
    },
  },
  {
    path: ['labels', 'list'],
    summary: "list a project's labels",
    usage: 'labels list <dir>',
    options: {},
    run(args, cli) {
      return cli.inProject(positional(args, 0, 'dir'), () => cli.api.labels.list({}));
    },
  },
];
