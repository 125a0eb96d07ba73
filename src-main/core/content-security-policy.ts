/**
 * The renderer's Content-Security-Policy, shared by the Electron app:// protocol and browser mode. No
 * remote origins at all; blob:/data: images are needed for mask bitmaps and thumbnails drawn by Konva.
 * 'wasm-unsafe-eval' lets the bundled mask kernels (src-shared/mask/wasm) compile: it allows
 * WebAssembly compilation only, not eval of JavaScript, and every script still comes from 'self'.
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
