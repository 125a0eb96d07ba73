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

/**
 * App settings as one JSON file in the app data dir, written atomically (temp file + rename). A damaged
 * file (not JSON, or values the schema refuses) never stops the app: it is moved aside as
 * `settings.json.damaged-<time>`, the defaults apply, and `warnings` says so (also logged).
 */
export class SettingsStore {
  readonly #file: string;
  #current: Settings;
  readonly #warnings: string[] = [];

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, 'settings.json');
    this.#current = this.#load();
  }

  get(): Settings {
    return this.#current;
  }

  /** What went wrong while loading (a damaged file set aside), for the UI and logs. */
  get warnings(): readonly string[] {
    return this.#warnings;
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
      return this.#setAside(`it is not valid JSON (${(e as Error).message})`);
    }
    const parsed = SettingsSchema.partial().safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const field = first?.path.map(String).join('.') || '(the whole file)';
      return this.#setAside(`field "${field}": ${first?.message ?? 'invalid'}`);
    }
    return { ...DEFAULT_SETTINGS, ...parsed.data };
  }

  #setAside(why: string): Settings {
    const aside = `${this.#file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    let where: string;
    try {
      renameSync(this.#file, aside);
      where = `it was kept as ${aside}`;
    } catch (e) {
      where = `it could not be moved aside (${(e as Error).message})`;
    }
    const warning = `${this.#file} is damaged (${why}): the default settings apply; ${where}`;
    this.#warnings.push(warning);
    console.warn(`[radiolabel] ${warning}`);
    return DEFAULT_SETTINGS;
  }
}
