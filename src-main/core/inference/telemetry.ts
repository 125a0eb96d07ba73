/**
 * onnxruntime-node (1.29+) ships Microsoft's 1DS telemetry on Linux and macOS too: every process that
 * creates an onnxruntime environment writes an event queue and a device id under
 * `~/.cache/Microsoft/DeveloperTools/.onnxruntime/` and an empty `$TMPDIR/mat-debug-<pid>.log`, and uploads
 * process and device details. RadioLabel keeps it off unless the user opts in (setting
 * `onnxRuntimeTelemetry`).
 *
 * The runtime reads the opt-out from the process environment once, when its environment is created (the
 * first session in the process), so this must run before the inference worker loads onnxruntime; a change
 * of the setting takes effect at the next start.
 */
export const ORT_TELEMETRY_OPT_OUT_VARIABLE = 'ORT_DISABLE_TELEMETRY';

export function applyOnnxRuntimeTelemetryPolicy(
  optedIn: boolean,
  env: NodeJS.ProcessEnv = process.env,
): void {
  // An opt-out the user set themselves is kept even when the setting opts in.
  if (!optedIn) env[ORT_TELEMETRY_OPT_OUT_VARIABLE] = '1';
}
