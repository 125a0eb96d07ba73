import { AppError } from '../errors';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EXECUTION_PROVIDERS, type ExecutionProviderName } from '../models/manifest';

export type { ExecutionProviderName };

/** The provider in use, and why the requested one was not used (never a silent fallback). */
export interface ProviderReport {
  readonly requested: ExecutionProviderName;
  readonly active: ExecutionProviderName;
  readonly fallbackReason?: string;
}

export class UnknownProviderError extends AppError {
  override readonly name = 'UnknownProviderError';
  constructor(value: string, field = 'provider') {
    super(
      'invalid_input',
      `${field}: unknown execution provider "${value}" (expected one of ${EXECUTION_PROVIDERS.join(', ')})`,
    );
  }
}

export function parseProvider(value: string, field = 'provider'): ExecutionProviderName {
  const found = EXECUTION_PROVIDERS.find((p) => p === value);
  if (!found) throw new UnknownProviderError(value, field);
  return found;
}

function ortBinaryDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
    return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/** Why `provider` cannot work on this machine/install, or undefined when it may (session creation decides). */
export function providerUnavailableReason(provider: ExecutionProviderName): string | undefined {
  switch (provider) {
    case 'cpu':
      return undefined;
    case 'dml':
      return process.platform === 'win32'
        ? undefined
        : `DirectML needs Windows (this is ${process.platform})`;
    case 'coreml':
      return process.platform === 'darwin' ? undefined : `CoreML needs macOS (this is ${process.platform})`;
    case 'cuda': {
      if (process.platform === 'darwin') return 'CUDA is not available on macOS';
      if (process.platform !== 'linux') return undefined;
      const dir = ortBinaryDir();
      if (dir && existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'))) return undefined;
      return 'the CUDA provider of onnxruntime-node is not installed (reinstall it with ONNXRUNTIME_NODE_INSTALL=cuda12)';
    }
  }
}

export function initialProviderReport(requested: ExecutionProviderName): ProviderReport {
  const reason = providerUnavailableReason(requested);
  return reason ? { requested, active: 'cpu', fallbackReason: reason } : { requested, active: requested };
}
