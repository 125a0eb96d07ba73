import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SettingsSchema, type Settings } from '@contract';
import { AppError } from '../errors';

export const DEFAULT_SETTINGS: Settings = {
  provider: 'cpu',
  modelId: 'starter',
  cacheBudgetBytes: 4 * 1024 ** 3,
  maxInputPixels: 268_402_689, // sharp's own default (0x3FFF × 0x3FFF)
  modelMirrorBaseUrl: null,
  shortcuts: {},
  onnxRuntimeTelemetry: false,
};

/** App settings as one JSON file in the app data dir, written atomically (temp file + rename). */
export class SettingsStore {
  readonly #file: string;
  #current: Settings;

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, 'settings.json');
    this.#current = this.#load();
  }

  get(): Settings {
    return this.#current;
  }

  update(patch: Partial<Settings>): Settings {
    const next = SettingsSchema.parse({ ...this.#current, ...patch });
    mkdirSync(path.dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(next, null, 2));
      renameSync(tmp, this.#file);
    } catch (e) {
      throw new AppError('io_error', `cannot write settings to ${this.#file}: ${(e as Error).message}`);
    }
    this.#current = next;
    return next;
  }

  #load(): Settings {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch {
      return DEFAULT_SETTINGS;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new AppError('invalid_input', `${this.#file} is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = SettingsSchema.partial().safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new AppError(
        'invalid_input',
        `${this.#file}: field "${first?.path.map(String).join('.') ?? '?'}": ${first?.message ?? 'invalid'}`,
      );
    }
    return { ...DEFAULT_SETTINGS, ...parsed.data };
  }
}
