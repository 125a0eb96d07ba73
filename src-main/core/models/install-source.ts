import path from 'node:path';
import { type GraphInfo } from './graph-check';
import {
  importBundleFolder,
  installBundleFromUrl,
  type DownloadBundleOptions,
  type InstalledBundle,
} from './install';
import { builtInModelsDir, ModelRegistry, userModelsDir } from './registry';
import { verifyBundleGraphs } from './verify';

export interface InstallSourceOptions {
  readonly dataDir: string;
  /** Graph metadata through the inference worker (names and ranks are checked before the bundle goes live). */
  readonly describeGraph: (onnxPath: string) => Promise<GraphInfo>;
  readonly mirrorBaseUrl?: string;
  readonly replace?: boolean;
  readonly onProgress?: DownloadBundleOptions['onProgress'];
}

/**
 * "Install a model" as the CLI and the model manager both mean it: an http(s) URL is a manifest to download
 * (resumable, sha256-checked, mirror first), anything else is a bundle folder to validate and copy. A user
 * bundle may never take a built-in bundle's id.
 */
export async function installBundleSource(source: string, o: InstallSourceOptions): Promise<InstalledBundle> {
  const builtIn = await new ModelRegistry(builtInModelsDir(), []).scan();
  const common = {
    modelsDir: userModelsDir(o.dataDir),
    reservedIds: builtIn.bundles.map((b) => b.manifest.id),
    replace: o.replace === true,
    verifyGraphs: (dir: string, m: Parameters<typeof verifyBundleGraphs>[1]) =>
      verifyBundleGraphs(dir, m, o.describeGraph),
  };
  if (/^https?:\/\//i.test(source)) {
    return installBundleFromUrl(source, {
      ...common,
      ...(o.mirrorBaseUrl ? { mirrorBaseUrl: o.mirrorBaseUrl } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
  }
  return importBundleFolder(path.resolve(source), common);
}
