/**
 * The renderer's Content-Security-Policy, shared by the Electron app:// protocol and browser mode. No
 * remote origins at all; blob:/data: images are needed for mask bitmaps and thumbnails drawn by Konva.
 * In Electron the page is app://bundle and its images app://media, another origin that img-src must name
 * (browser mode serves both from one origin).
 * 'wasm-unsafe-eval' lets the bundled mask kernels (src-shared/mask/wasm) compile: it allows
 * WebAssembly compilation only, not eval of JavaScript, and every script still comes from 'self'.
 */
export function contentSecurityPolicy(
  origins: {
    /** Where image bytes come from besides the page's own origin (Electron: `app://media`). */
    readonly media?: readonly string[];
    readonly connect?: readonly string[];
  } = {},
): string {
  const media = origins.media ?? [];
  const connect = origins.connect ?? [];
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data: ${media.join(' ')}`.trim(),
    `connect-src 'self' ${connect.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
