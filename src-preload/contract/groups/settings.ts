import { z } from 'zod';
import { ProviderNameSchema } from './inference';
import { method } from './method';

export const SettingsSchema = z.object({
  provider: ProviderNameSchema,
  modelId: z.string().nullable(),
  cacheBudgetBytes: z.number().int().positive(),
  maxInputPixels: z.number().int().positive(),
  modelMirrorBaseUrl: z.string().url().nullable(),
  shortcuts: z.record(z.string(), z.string()),
  /** onnxruntime's own usage telemetry to Microsoft: off unless the user opts in (takes effect at restart). */
  onnxRuntimeTelemetry: z.boolean(),
  /**
   * Convert images through their embedded ICC profile before the encoder. Off (absent) by default:
   * RADIO's reference preprocessing (PIL) ignores embedded profiles.
   */
  applyIccProfile: z.boolean().optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const AppInfoSchema = z.object({
  name: z.literal('RadioLabel'),
  version: z.string(),
  mode: z.enum(['electron', 'browser', 'cli']),
  /** Problems found at start-up that the user should know of (a damaged settings file set aside). */
  warnings: z.array(z.string()),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const settingsGroup = {
  get: method(z.object({}), SettingsSchema),
  update: method(SettingsSchema.partial(), SettingsSchema),
  appInfo: method(z.object({}), AppInfoSchema),
};
