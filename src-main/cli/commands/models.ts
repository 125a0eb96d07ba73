import { CliCallError } from '../cli-api';
import { positional, stringFlag, type CliCommand } from '../command';

export const modelsCommands: readonly CliCommand[] = [
  {
    path: ['models', 'list'],
    summary: 'list model bundles (built-in and installed): id, name, provider, starter or real',
    usage: 'models list',
    options: {},
    run: (_args, cli) => cli.api.models.inventory({}),
  },
  {
    path: ['models', 'verify'],
    summary: 'verify a bundle: manifest, files, sha256, graph input/output names and ranks',
    usage: 'models verify <id|path>',
    options: {},
    async run(args, cli) {
      const report = await cli.api.models.verify({ modelId: positional(args, 0, 'id|path') });
      if (!report.ok) {
        throw new CliCallError({ code: 'model_error', message: report.problems.join('; ') });
      }
      return { ok: report.ok, id: report.id, name: report.name, dir: report.dir, provider: report.provider };
    },
  },
  {
    path: ['models', 'install'],
    summary: 'install a bundle from a manifest URL (resumable, sha256-checked) or import a bundle folder',
    usage: 'models install <manifest-url|folder> [--mirror <base-url>] [--replace]',
    options: { mirror: { type: 'string' }, replace: { type: 'boolean' } },
    fields: { source: '<manifest-url|folder>', mirrorBaseUrl: '--mirror' },
    async run(args, cli) {
      const installed = await cli.api.models.install({
        source: positional(args, 0, 'manifest-url|folder'),
        mirrorBaseUrl: stringFlag(args, 'mirror'),
        replace: args.values.replace === true,
      });
      return { installed: installed.id, dir: installed.dir };
    },
  },
];
