import { positional, positionalList, stringFlag, type CliCommand } from '../command';

export const projectCommands: readonly CliCommand[] = [
  {
    path: ['project', 'create'],
    summary: 'create a project folder (project.radiolabel.sqlite inside)',
    usage: 'project create <dir> [--name N]',
    options: { name: { type: 'string' } },
    fields: { dir: '<dir>', name: '--name' },
    run(args, cli) {
      const name = stringFlag(args, 'name');
      return cli.api.projects.create({
        dir: positional(args, 0, 'dir'),
        ...(name === undefined ? {} : { name }),
      });
    },
  },
  {
    path: ['info'],
    summary: 'print counts for a project: images, labels, annotations, cache bytes, schema version',
    usage: 'info <dir>',
    options: {},
    run(args, cli) {
      return cli.inProject(positional(args, 0, 'dir'), (info) => {
        const { images, labels, annotations, cacheBytes, schemaVersion } = info;
        return Promise.resolve({ images, labels, annotations, cacheBytes, schemaVersion });
      });
    },
  },
  {
    path: ['import'],
    summary: 'import image files and folders (recursive) into a project',
    usage: 'import <dir> <paths…>',
    options: {},
    fields: { paths: '<paths…>' },
    run(args, cli) {
      const dir = positional(args, 0, 'dir');
      const paths = positionalList(args, 1, 'paths…', ': give image files or folders');
      return cli.inProject(dir, () => cli.api.images.import({ paths }));
    },
  },
];
