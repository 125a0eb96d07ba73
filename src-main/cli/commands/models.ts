import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type InstallPlan } from '@contract';
import { formatBytes } from '@shared/format/bytes';
import { CliCallError } from '../cli-api';
import {
  CliUsageError,
  numberFlag,
  positional,
  stringFlag,
  stringList,
  type CliArgs,
  type CliCommand,
  type CliContext,
} from '../command';

/** The install plan on stderr: each licence and whether it was accepted, the notes, sizes and memory. */
function planLines(plan: InstallPlan, accepted: readonly string[]): string[] {
  return [
    ...plan.licences.map(
      (l) =>
        `licence ${l.name} — ${l.commercialUse ? 'commercial use allowed' : 'non-commercial'} — ${l.url}: ${
          accepted.includes(l.id) ? 'accepted' : `NOT accepted (add --accept-licence ${l.id})`
        }`,
    ),
    ...plan.notes,
    `${plan.bundleName}: ${plan.downloadBytes > 0 ? `download ${formatBytes(plan.downloadBytes)}, ` : ''}encoder memory ≈ ${formatBytes(plan.memory.totalBytes)}`,
  ];
}

/**
 * `models install <target>`: a catalogue id (planned, then downloaded or read from --from-dir and
 * converted), else a bundle folder or manifest URL. Ctrl-C cancels the install; nothing is kept.
 */
async function install(args: CliArgs, cli: CliContext): Promise<{ installed: string; dir: string }> {
  const target = positional(args, 0, 'catalogue-id|bundle-folder|manifest-url');
  const installId = randomUUID();
  const cancel = (): void => void cli.api.models.cancelInstall({ installId }).catch(() => undefined);
  cli.interrupted.addEventListener('abort', cancel, { once: true });
  try {
    const common = {
      installId,
      mirrorBaseUrl: stringFlag(args, 'mirror'),
      replace: args.values.replace === true,
    };
    const { entries } = await cli.api.models.catalogue({});
    if (!entries.some((e) => e.id === target)) {
      if (!/^https?:\/\//i.test(target) && !existsSync(target)) {
        throw new CliUsageError(
          `"${target}" is neither a catalogue id (${entries.map((e) => e.id).join(', ')}) nor a bundle folder or manifest URL`,
        );
      }
      const installed = await cli.api.models.install({ ...common, source: target });
      return { installed: installed.id, dir: installed.dir };
    }
    const choice = {
      catalogueId: target,
      resolutionPx: numberFlag(args, 'resolution'),
      // The contract's enum checks the weight type: the flag is passed on as typed.
      dtype: stringFlag(args, 'dtype') as InstallPlan['dtype'] | undefined,
      mirrorBaseUrl: common.mirrorBaseUrl,
      fromDir: stringFlag(args, 'from-dir'),
    };
    const accepted = stringList(args, 'accept-licence');
    for (const line of planLines(await cli.api.models.installPlan(choice), accepted)) cli.progress(line);
    const installed = await cli.api.models.install({ ...common, ...choice, acceptLicences: accepted });
    return { installed: installed.id, dir: installed.dir };
  } finally {
    cli.interrupted.removeEventListener('abort', cancel);
  }
}

const INSTALL_FIELDS = {
  source: '<catalogue-id|bundle-folder|manifest-url>',
  catalogueId: '<catalogue-id|bundle-folder|manifest-url>',
  resolutionPx: '--resolution',
  dtype: '--dtype',
  mirrorBaseUrl: '--mirror',
  fromDir: '--from-dir',
  acceptLicences: '--accept-licence',
};

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
    path: ['models', 'catalogue'],
    summary: 'official RADIO checkpoints that can be installed: licence, size, memory, what each provides',
    usage: 'models catalogue',
    options: {},
    async run(_args, cli) {
      const { about, entries } = await cli.api.models.catalogue({});
      return {
        about,
        checkpoints: entries.map((e) => ({
          id: e.id,
          name: e.name,
          repo: e.repo,
          licence: `${e.licence.name}${e.licence.commercialUse ? ' (commercial use allowed)' : ' (non-commercial)'}`,
          architecture: e.architecture,
          parameters: e.parameterCount,
          resolution: { preferred: e.preferredResolutionPx, max: e.maxResolutionPx, step: e.patchSize },
          memoryAtPreferred: e.memoryAtPreferred,
          downloadBytes: e.downloadBytes ?? 'read from the hub at install time',
          provides: e.provides,
          notes: e.notes,
          installable: e.blocker === null,
          ...(e.blocker ? { notInstallable: e.blocker } : {}),
          companions: e.companions.map((c) => ({
            role: c.role,
            repo: c.repo,
            licence: c.licence?.name ?? null,
          })),
          installed: e.installedModelIds,
          sources: e.sources,
        })),
      };
    },
  },
  {
    path: ['models', 'install'],
    summary:
      'install a catalogue checkpoint (download from the hub, or --from-dir), or a bundle folder / manifest URL',
    usage:
      'models install <catalogue-id|bundle-folder|manifest-url> [--resolution N] [--dtype fp32|fp16|int8] [--mirror URL] [--from-dir DIR] [--accept-licence ID]… [--replace]',
    options: {
      resolution: { type: 'string' },
      dtype: { type: 'string' },
      mirror: { type: 'string' },
      'from-dir': { type: 'string' },
      'accept-licence': { type: 'string', multiple: true },
      replace: { type: 'boolean' },
    },
    fields: INSTALL_FIELDS,
    run: install,
  },
  {
    path: ['models', 'remove'],
    summary: 'delete an installed model (built-in ones stay)',
    usage: 'models remove <id>',
    options: {},
    fields: { modelId: '<id>' },
    run: (args, cli) => cli.api.models.remove({ modelId: positional(args, 0, 'id') }),
  },
];
