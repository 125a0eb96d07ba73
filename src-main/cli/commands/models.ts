import { existsSync } from 'node:fs';
import { createInferenceEngine, parseProvider, type InferenceEngine } from '../../core/inference';
import { initialProviderReport } from '../../core/inference/providers';
import { type InstallProgress } from '../../core/models/catalogue-install';
import { builtInConverters } from '../../core/models/converters';
import { formatBytes } from '../../core/models/disk-space';
import { licenceOf } from '../../core/models/catalogue';
import { type InstallPlan } from '../../core/models/install-plan';
import { WEIGHT_DTYPES, type WeightDtype } from '../../core/models/memory';
import { ModelManager } from '../../core/models/model-manager';
import { builtInModelsDir, ModelRegistry, userModelsDir } from '../../core/models/registry';
import { DEFAULT_SETTINGS, SettingsStore } from '../../core/settings/settings-store';
import {
  CliUsageError,
  optionalNumber,
  optionalString,
  positional,
  stringList,
  type CliArgs,
  type CliCommand,
  type CliIo,
} from '../command';

function engineFor(io: CliIo): InferenceEngine {
  const settings = new SettingsStore(io.dataDir).get();
  return createInferenceEngine({
    dataDir: io.dataDir,
    provider: parseProvider(settings.provider, 'settings.provider'),
  });
}

/** A model manager whose inference engine (for the bundle checks) starts only if a check runs. */
async function withManager<T>(io: CliIo, use: (manager: ModelManager) => Promise<T>): Promise<T> {
  let engine: InferenceEngine | undefined;
  const settings = new SettingsStore(io.dataDir);
  const manager = new ModelManager({
    dataDir: io.dataDir,
    converters: builtInConverters,
    verifyBundle: async (dir) => {
      engine ??= engineFor(io);
      await engine.verifyModel(dir);
      // Sessions opened by the check are released so that the folder can be renamed into place (Windows).
      await engine.reloadModels();
    },
    mirrorSetting: () => settings.get().modelMirrorBaseUrl,
  });
  try {
    return await use(manager);
  } finally {
    await engine?.dispose();
  }
}

const clock = (s: number): string => {
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
};

/** One stderr line per phase change, then at most one a second. */
export function installProgressPrinter(
  io: CliIo,
  now: () => number = Date.now,
): (p: InstallProgress) => void {
  let phase = '';
  let last = 0;
  return (p) => {
    const t = now();
    if (p.phase === phase && t - last < 1000) return;
    phase = p.phase;
    last = t;
    if (p.phase !== 'downloading') {
      io.progress(`${p.phase}${p.file ? ` ${p.file}` : ''}…`);
      return;
    }
    const pct = p.totalBytes ? ` (${Math.floor((p.receivedBytes / p.totalBytes) * 100)}%)` : '';
    const total = p.totalBytes ? `/${formatBytes(p.totalBytes)}` : '';
    const speed = p.bytesPerSecond ? `, ${formatBytes(p.bytesPerSecond)}/s` : '';
    const eta = p.etaSeconds !== null ? `, ${clock(p.etaSeconds)} left` : '';
    io.progress(`downloading ${p.file ?? ''}: ${formatBytes(p.receivedBytes)}${total}${pct}${speed}${eta}`);
  };
}

function dtypeOf(v: string | undefined): WeightDtype | undefined {
  if (v === undefined) return undefined;
  if (!(WEIGHT_DTYPES as readonly string[]).includes(v)) {
    throw new CliUsageError(`--dtype must be one of ${WEIGHT_DTYPES.join('|')}, got "${v}"`);
  }
  return v as WeightDtype;
}

/** Ctrl-C cancels the install (its staging folder is removed) instead of killing the process mid-write. */
function abortOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** `models install <target>`: a catalogue id, else a bundle folder or manifest URL. */
async function installTarget(
  manager: ModelManager,
  target: string,
  args: CliArgs,
  io: CliIo,
  signal: AbortSignal,
): Promise<{ installed: string; dir: string }> {
  const catalogue = await manager.loadCatalogue();
  const replace = args.values.replace === true;
  const mirror = optionalString(args, 'mirror');
  if (!catalogue.checkpoints.some((c) => c.id === target)) {
    if (!/^https?:\/\//i.test(target) && !existsSync(target)) {
      throw new CliUsageError(
        `"${target}" is neither a catalogue id (${catalogue.checkpoints.map((c) => c.id).join(', ')}) nor a bundle folder or manifest URL`,
      );
    }
    const installed = await manager.installSource(target, {
      replace,
      ...(mirror ? { mirror } : {}),
      signal,
    });
    return { installed: installed.id, dir: installed.dir };
  }
  const resolutionPx = optionalNumber(args, 'resolution');
  const dtype = dtypeOf(optionalString(args, 'dtype'));
  const fromDir = optionalString(args, 'from-dir');
  const accepted = stringList(args, 'accept-licence');
  const showPlan = (plan: InstallPlan): void => {
    for (const id of plan.licences) {
      const l = licenceOf(catalogue, id);
      const ok = accepted.includes(id) ? 'accepted' : 'NOT accepted (add --accept-licence ' + id + ')';
      io.progress(
        `licence ${l.name} — ${l.commercialUse ? 'commercial use allowed' : 'non-commercial'} — ${l.url}: ${ok}`,
      );
    }
    for (const note of plan.notes) io.progress(note);
    io.progress(
      `${plan.bundleName}: ${plan.downloadBytes > 0 ? `download ${formatBytes(plan.downloadBytes)}, ` : ''}encoder memory ≈ ${formatBytes(plan.memory.totalBytes)}`,
    );
  };
  const installed = await manager.installCatalogue({
    catalogueId: target,
    ...(resolutionPx !== undefined ? { resolutionPx } : {}),
    ...(dtype ? { dtype } : {}),
    ...(mirror ? { mirror } : {}),
    ...(fromDir ? { fromDir } : {}),
    acceptLicences: accepted,
    replace,
    via: 'cli',
    onPlan: showPlan,
    onProgress: installProgressPrinter(io),
    signal,
  });
  return { installed: installed.id, dir: installed.dir };
}

export const modelsCommands: readonly CliCommand[] = [
  {
    path: ['models', 'list'],
    summary: 'list model bundles (built-in and installed): id, name, provider, starter or real',
    usage: 'models list',
    options: {},
    async run(_args, io) {
      const settings = new SettingsStore(io.dataDir).get();
      const provider = initialProviderReport(parseProvider(settings.provider, 'settings.provider'));
      const { bundles, broken } = await new ModelRegistry(builtInModelsDir(), [
        userModelsDir(io.dataDir),
      ]).scan();
      if (provider.fallbackReason)
        io.progress(`provider ${provider.requested} → ${provider.active}: ${provider.fallbackReason}`);
      return {
        provider,
        models: bundles.map((b) => ({
          id: b.manifest.id,
          name: b.manifest.name,
          provider: provider.active,
          kind: b.manifest.is_starter ? 'starter (colour & texture, not semantic)' : 'real',
          isStarter: b.manifest.is_starter,
          hasText: b.manifest.text !== undefined,
          hasMaskDecoder: b.manifest.mask_decoder !== undefined,
          source: b.source,
          dir: b.dir,
        })),
        broken,
      };
    },
  },
  {
    path: ['models', 'verify'],
    summary: 'verify a bundle: manifest, files, sha256, graph input/output names and ranks',
    usage: 'models verify <id|path>',
    options: {},
    async run(args, io) {
      const target = positional(args, 0, 'id|path');
      const engine = engineFor(io);
      try {
        io.progress(`verifying ${target}…`);
        const { manifest, dir } = await engine.verifyModel(target);
        return { ok: true, id: manifest.id, name: manifest.name, dir, provider: engine.provider };
      } finally {
        await engine.dispose();
      }
    },
  },
  {
    path: ['models', 'catalogue'],
    summary: 'official RADIO checkpoints that can be installed: licence, size, memory, what each provides',
    usage: 'models catalogue',
    options: {},
    async run(_args, io) {
      return withManager(io, async (manager) => {
        const { about, entries } = await manager.catalogue();
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
      });
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
    async run(args, io) {
      const target = positional(args, 0, 'catalogue-id|bundle-folder|manifest-url');
      const interrupt = abortOnInterrupt();
      try {
        return await withManager(io, (manager) => installTarget(manager, target, args, io, interrupt.signal));
      } finally {
        interrupt.dispose();
      }
    },
  },
  {
    path: ['models', 'remove'],
    summary: 'delete an installed model (built-in ones stay)',
    usage: 'models remove <id>',
    options: {},
    async run(args, io) {
      const id = positional(args, 0, 'id');
      return withManager(io, async (manager) => {
        const removed = await manager.remove(id);
        const settings = new SettingsStore(io.dataDir);
        if (settings.get().modelId === id) settings.update({ modelId: DEFAULT_SETTINGS.modelId });
        return { removed: removed.manifest.id, dir: removed.dir, selectedModelId: settings.get().modelId };
      });
    },
  },
];
