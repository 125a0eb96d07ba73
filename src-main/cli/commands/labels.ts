import { labelByName, positional, positionalList, stringFlag, type CliCommand } from '../command';

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
  {
    path: ['labels', 'set'],
    summary:
      "rename a label, or change its prompt (what auto-label asks the model for; '' = its name) or colour",
    usage: 'labels set <dir> <name> [--name <new name>] [--prompt <text>] [--color #rrggbb]',
    options: { name: { type: 'string' }, prompt: { type: 'string' }, color: { type: 'string' } },
    fields: { name: '--name', prompt: '--prompt', color: '--color' },
    run(args, cli) {
      const dir = positional(args, 0, 'dir');
      const current = positional(args, 1, 'name');
      const changes = {
        name: stringFlag(args, 'name'),
        prompt: stringFlag(args, 'prompt'),
        color: stringFlag(args, 'color'),
      };
      return cli.inProject(dir, async () => {
        const label = await labelByName(cli, current, '<name>');
        return cli.api.labels.update({
          labelId: label.id,
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.prompt === undefined ? {} : { prompt: changes.prompt }),
          ...(changes.color === undefined ? {} : { color: changes.color }),
        });
      });
    },
  },
];
