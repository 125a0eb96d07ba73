import { createInferenceEngine, parseProvider, type InferenceEngine } from '../../core/inference';
import { initialProviderReport } from '../../core/inference/providers';
import type { FileProgress } from '../../core/models/download';
import { installBundleSource } from '../../core/models/install-source';
import { builtInModelsDir, ModelRegistry, userModelsDir } from '../../core/models/registry';
import { SettingsStore } from '../../core/settings/settings-store';
import { optionalString, positional, type CliCommand, type CliIo } from '../command';

function engineFor(io: CliIo): InferenceEngine {
  const settings = new SettingsStore(io.dataDir).get();
  return createInferenceEngine({
    dataDir: io.dataDir,
    provider: parseProvider(settings.provider, 'settings.provider'),
  });
}

/** One progress line per file per 10 %, so a big download does not flood stderr. */
function progressPrinter(io: CliIo): (p: FileProgress & { fileIndex: number; fileCount: number }) => void {
  const last = new Map<string, number>();
  return (p) => {
    const pct = p.totalBytes ? Math.floor((p.receivedBytes / p.totalBytes) * 10) * 10 : undefined;
    const key = pct === undefined ? Math.floor(p.receivedBytes / 2 ** 24) : pct;
    if (last.get(p.file) === key) return;
    last.set(p.file, key);
    const mb = (p.receivedBytes / 2 ** 20).toFixed(1);
    io.progress(
      `[${p.fileIndex + 1}/${p.fileCount}] ${p.file}: ${mb} MiB${pct === undefined ? '' : ` (${pct}%)`}`,
    );
  };
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
    path: ['models', 'install'],
    summary: 'install a bundle from a manifest URL (resumable, sha256-checked) or import a bundle folder',
    usage: 'models install <manifest-url|folder> [--mirror <base-url>] [--replace]',
    options: { mirror: { type: 'string' }, replace: { type: 'boolean' } },
    async run(args, io) {
      const source = positional(args, 0, 'manifest-url|folder');
      const settings = new SettingsStore(io.dataDir).get();
      const engine = engineFor(io);
      try {
        const installed = await installBundleSource(source, {
          dataDir: io.dataDir,
          describeGraph: (p) => engine.describeGraph(p),
          replace: args.values.replace === true,
          onProgress: progressPrinter(io),
          ...((optionalString(args, 'mirror') ?? settings.modelMirrorBaseUrl)
            ? { mirrorBaseUrl: optionalString(args, 'mirror') ?? settings.modelMirrorBaseUrl ?? '' }
            : {}),
        });
        await engine.reloadModels();
        return { installed: installed.id, dir: installed.dir };
      } finally {
        await engine.dispose();
      }
    },
  },
];
