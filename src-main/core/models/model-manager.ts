import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  type CatalogueEntry,
  type InstallPlan as ContractInstallPlan,
  type Licence,
  type MemoryEstimate,
  type ModelSummary,
  type WeightDtype,
} from '@contract';
import {
  convertibleLanguageAdaptor,
  findCheckpoint,
  licenceOf,
  loadCatalogue,
  samAdaptor,
  type Catalogue,
  type CatalogueCheckpoint,
} from './catalogue';
import { runCatalogueInstall, type InstallProgress } from './catalogue-install';
import { type ModelConverters } from './converters';
import { freeDiskBytes } from './disk-space';
import { HttpClient, type Env } from './http-client';
import { HubClient, hubEndpoint, hubToken } from './hub';
import { importBundleFolder, installBundleFromUrl, type InstalledBundle } from './install';
import {
  checkResolution,
  encoderMemory,
  installBlocker,
  InstallRefused,
  planInstall,
  providesOf,
  type InstallPlan,
} from './install-plan';
import { currentUser } from './licence-record';
import { WEIGHT_DTYPES, vitParameterCount } from './memory';
import { manifestFiles } from './manifest';
import { builtInModelsDir, ModelRegistry, summarize, userModelsDir, type RegisteredBundle } from './registry';
import { sweepStaleStaging } from './staging';

/**
 * The model manager's operations (catalogue, plan, install, remove) in one place, for the service handlers
 * and the CLI alike. Network access goes through HttpClient (proxies from the environment, HF_TOKEN only to
 * the hub endpoint).
 */

export interface ModelManagerOptions {
  readonly dataDir: string;
  readonly converters: ModelConverters;
  /**
   * The full check of a bundle folder through the inference worker before it goes live: files and sha256,
   * graph names and ranks, one smoke run per graph (InferenceEngine.verifyModel).
   */
  readonly verifyBundle: (dir: string) => Promise<void>;
  /** The `modelMirrorBaseUrl` setting, read at each call. */
  readonly mirrorSetting: () => string | null;
  readonly cataloguePath?: string;
  readonly env?: Env;
  readonly retryDelayMs?: number;
}

export interface CatalogueInstallRequest {
  readonly catalogueId: string;
  readonly resolutionPx?: number;
  readonly dtype?: WeightDtype;
  readonly mirror?: string;
  readonly fromDir?: string;
  readonly acceptLicences: readonly string[];
  readonly replace?: boolean;
  readonly via: 'app' | 'cli';
  readonly onPlan?: (plan: InstallPlan) => void;
  readonly onProgress?: (p: InstallProgress) => void;
  readonly signal?: AbortSignal;
}

async function bundleBytes(b: RegisteredBundle): Promise<number | null> {
  let total = (await stat(path.join(b.dir, 'manifest.json')).catch(() => null))?.size ?? 0;
  for (const f of manifestFiles(b.manifest)) {
    const st = await stat(path.join(b.dir, f.file)).catch(() => null);
    if (!st) return null;
    total += st.size;
  }
  return total;
}

const BUNDLE_ID_TAIL = new RegExp(`-\\d+-(${WEIGHT_DTYPES.join('|')})$`);

export class ModelManager {
  #catalogue: Promise<Catalogue> | undefined;

  constructor(private readonly o: ModelManagerOptions) {}

  get modelsDir(): string {
    return userModelsDir(this.o.dataDir);
  }

  loadCatalogue(): Promise<Catalogue> {
    this.#catalogue ??= loadCatalogue(this.o.cataloguePath);
    this.#catalogue.catch(() => (this.#catalogue = undefined));
    return this.#catalogue;
  }

  registry(): ModelRegistry {
    return new ModelRegistry(builtInModelsDir(), [this.modelsDir]);
  }

  /** Removes staging folders that a crashed or killed install left behind. */
  sweep(): Promise<string[]> {
    return sweepStaleStaging(this.modelsDir);
  }

  /** Installed bundles (built-in first) as the model manager lists them. */
  async installedModels(): Promise<ModelSummary[]> {
    const { bundles } = await this.registry().scan();
    return Promise.all(
      bundles.map(async (b) => {
        const s = summarize(b);
        return {
          id: s.id,
          name: s.name,
          isStarter: s.isStarter,
          hasText: s.hasText,
          hasMaskDecoder: s.hasMaskDecoder,
          builtIn: s.source === 'built-in',
          license: b.manifest.license,
          diskBytes: await bundleBytes(b),
        };
      }),
    );
  }

  async catalogue(): Promise<{ about: string; entries: CatalogueEntry[] }> {
    const c = await this.loadCatalogue();
    const installed = (await this.registry().scan()).bundles.map((b) => b.manifest.id);
    return { about: c.about, entries: c.checkpoints.map((cp) => this.#entry(c, cp, installed)) };
  }

  #entry(c: Catalogue, cp: CatalogueCheckpoint, installed: readonly string[]): CatalogueEntry {
    const arch = c.architectures[cp.architecture];
    const { provides, notes } = providesOf(c, cp, this.o.converters);
    const dense = (provides.textPrompts ? 1 : 0) + (provides.clickDecoder ? 1 : 0);
    const lang = convertibleLanguageAdaptor(c, cp);
    const sam = samAdaptor(c, cp);
    const companions: CatalogueEntry['companions'] = [];
    if (lang)
      companions.push({ role: 'text', repo: lang.tower.repo, licence: this.#licence(c, lang.tower.licence) });
    if (sam && provides.clickDecoder) {
      companions.push({
        role: 'sam',
        repo: sam.weights.repo,
        licence: this.#licence(c, sam.weights.licence),
      });
    }
    const memory = (dtype: WeightDtype): number =>
      encoderMemory(c, cp, cp.preferredResolutionPx, dtype, dense)?.totalBytes ?? 0;
    return {
      id: cp.id,
      name: cp.name,
      family: cp.family,
      repo: cp.repo,
      revision: cp.revision,
      licence: this.#licence(c, cp.licence) ?? licenceOf(c, cp.licence),
      companions,
      architecture: arch?.label ?? cp.architecture,
      patchSize: cp.patchSize,
      preferredResolutionPx: cp.preferredResolutionPx,
      maxResolutionPx: cp.maxResolutionPx,
      parameterCount: arch?.kind === 'vit' ? vitParameterCount(arch, cp.patchSize, cp.maxResolutionPx) : null,
      parameterCountFromCard: cp.parameterCountFromCard,
      memoryAtPreferred:
        arch?.kind === 'vit' ? { fp32: memory('fp32'), fp16: memory('fp16'), int8: memory('int8') } : null,
      downloadBytes: cp.downloadBytes,
      provides,
      notes,
      blocker: installBlocker(cp, c, this.o.converters) ?? null,
      installedModelIds: installed.filter((id) => id.startsWith(`${cp.id}-`) && BUNDLE_ID_TAIL.test(id)),
      sources: cp.sources,
    };
  }

  #licence(c: Catalogue, id: string | null): Licence | null {
    if (id === null) return null;
    const l = licenceOf(c, id);
    return { id: l.id, name: l.name, url: l.url, commercialUse: l.commercialUse, summary: l.summary };
  }

  async estimateMemory(
    catalogueId: string,
    resolutionPx: number,
    dtype: WeightDtype,
  ): Promise<MemoryEstimate> {
    const c = await this.loadCatalogue();
    const cp = findCheckpoint(c, catalogueId);
    checkResolution(cp, resolutionPx);
    const { provides } = providesOf(c, cp, this.o.converters);
    const m = encoderMemory(
      c,
      cp,
      resolutionPx,
      dtype,
      (provides.textPrompts ? 1 : 0) + (provides.clickDecoder ? 1 : 0),
    );
    if (!m) throw new InstallRefused('invalid_input', `${cp.name} is not a ViT: no memory estimate.`);
    return m;
  }

  /** A hub client for one operation; the caller closes its HTTP client. */
  #hub(mirror: string | undefined): { hub: HubClient; http: HttpClient } {
    const env = this.o.env ?? process.env;
    const endpoint = hubEndpoint(mirror ?? this.o.mirrorSetting(), env);
    const token = hubToken(env);
    const http = new HttpClient({
      env,
      ...(token ? { token: { value: token, origin: new URL(endpoint).origin } } : {}),
    });
    return { hub: new HubClient(endpoint, http.fetch, token !== undefined), http };
  }

  async #withPlan<T>(
    r: Pick<
      CatalogueInstallRequest,
      'catalogueId' | 'resolutionPx' | 'dtype' | 'mirror' | 'fromDir' | 'signal'
    >,
    use: (plan: InstallPlan, hub: HubClient | undefined) => Promise<T>,
  ): Promise<T> {
    const catalogue = await this.loadCatalogue();
    const remote = r.fromDir === undefined ? this.#hub(r.mirror) : undefined;
    try {
      const plan = await planInstall({
        catalogue,
        checkpointId: r.catalogueId,
        ...(r.resolutionPx !== undefined ? { resolutionPx: r.resolutionPx } : {}),
        ...(r.dtype !== undefined ? { dtype: r.dtype } : {}),
        source: remote
          ? { kind: 'hub', hub: remote.hub }
          : { kind: 'dir', dir: path.resolve(r.fromDir ?? '.') },
        converters: this.o.converters,
        ...(r.signal ? { signal: r.signal } : {}),
      });
      return await use(plan, remote?.hub);
    } finally {
      await remote?.http.close();
    }
  }

  async plan(
    r: Pick<
      CatalogueInstallRequest,
      'catalogueId' | 'resolutionPx' | 'dtype' | 'mirror' | 'fromDir' | 'signal'
    >,
  ): Promise<ContractInstallPlan> {
    const c = await this.loadCatalogue();
    return this.#withPlan(r, async (plan) => {
      const installed = (await this.registry().scan()).bundles.some((b) => b.manifest.id === plan.bundleId);
      return {
        catalogueId: plan.checkpoint.id,
        bundleId: plan.bundleId,
        bundleName: plan.bundleName,
        resolutionPx: plan.resolutionPx,
        dtype: plan.dtype,
        repos: plan.repos.map((repo) => ({
          role: repo.role,
          repo: repo.repo,
          revision: repo.revision,
          licence: this.#licence(c, repo.licence),
          files: repo.files.map((f) => ({ path: f.path, bytes: f.bytes })),
          localDir: repo.localDir ?? null,
        })),
        licences: plan.licences.map((id) => this.#licence(c, id)).filter((l): l is Licence => l !== null),
        downloadBytes: plan.downloadBytes,
        requiredDiskBytes: plan.requiredDiskBytes,
        freeDiskBytes: await freeDiskBytes(this.modelsDir),
        memory: plan.memory,
        provides: plan.provides,
        clickDecoderResolutionPx: plan.clickDecoderResolutionPx,
        notes: [...plan.notes],
        alreadyInstalled: installed,
      };
    });
  }

  async reservedIds(): Promise<string[]> {
    return (await new ModelRegistry(builtInModelsDir(), []).scan()).bundles.map((b) => b.manifest.id);
  }

  async installCatalogue(r: CatalogueInstallRequest): Promise<InstalledBundle> {
    const catalogue = await this.loadCatalogue();
    const reservedIds = await this.reservedIds();
    return this.#withPlan(r, (plan, hub) => {
      r.onPlan?.(plan);
      return runCatalogueInstall(plan, {
        catalogue,
        modelsDir: this.modelsDir,
        dataDir: this.o.dataDir,
        ...(hub ? { hub } : {}),
        converters: this.o.converters,
        verifyBundle: this.o.verifyBundle,
        reservedIds,
        replace: r.replace === true,
        acceptedLicences: r.acceptLicences,
        acceptedBy: currentUser(),
        via: r.via,
        ...(r.onProgress ? { onProgress: r.onProgress } : {}),
        ...(r.signal ? { signal: r.signal } : {}),
        ...(this.o.retryDelayMs !== undefined ? { retryDelayMs: this.o.retryDelayMs } : {}),
      });
    });
  }

  /** A ready bundle: an http(s) manifest URL (downloaded) or a bundle folder (validated and copied). */
  async installSource(
    source: string,
    o: { replace?: boolean; mirror?: string; signal?: AbortSignal },
  ): Promise<InstalledBundle> {
    const common = {
      modelsDir: this.modelsDir,
      reservedIds: await this.reservedIds(),
      replace: o.replace === true,
      verifyGraphs: (dir: string) => this.o.verifyBundle(dir),
    };
    if (!/^https?:\/\//i.test(source)) return importBundleFolder(path.resolve(source), common);
    const mirrorBaseUrl = o.mirror ?? this.o.mirrorSetting() ?? undefined;
    const http = new HttpClient({ env: this.o.env ?? process.env });
    try {
      return await installBundleFromUrl(source, {
        ...common,
        fetch: http.fetch,
        ...(mirrorBaseUrl ? { mirrorBaseUrl } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(this.o.retryDelayMs !== undefined ? { retryDelayMs: this.o.retryDelayMs } : {}),
      });
    } finally {
      await http.close();
    }
  }

  /** Deletes a user-installed bundle: one rename out of sight, then the delete. */
  async remove(modelId: string): Promise<RegisteredBundle> {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(modelId)) {
      throw new InstallRefused('invalid_input', `"${modelId}" is not a model id.`);
    }
    const bundle = await this.registry().get(modelId);
    if (bundle.source === 'built-in') {
      throw new InstallRefused('forbidden', `${bundle.manifest.name} is built in and cannot be removed.`);
    }
    if (path.dirname(bundle.dir) !== this.modelsDir) {
      throw new InstallRefused('forbidden', `${bundle.dir} is not inside ${this.modelsDir}.`);
    }
    const gone = path.join(this.modelsDir, `.removing-${modelId}-${randomBytes(4).toString('hex')}`);
    await rename(bundle.dir, gone);
    await rm(gone, { recursive: true, force: true });
    return bundle;
  }
}
