import { type ProjectOptions } from './project';
import { SettingsStore } from '../settings/settings-store';

/** The project-store settings (pixel cap, cache budget) from the app settings in the data dir. */
export function projectOptionsFrom(dataDir: string): ProjectOptions {
  const settings = new SettingsStore(dataDir).get();
  return { maxInputPixels: settings.maxInputPixels, cacheBudgetBytes: settings.cacheBudgetBytes };
}
