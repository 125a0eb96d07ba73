import { type BrowserWindowConstructorOptions } from 'electron';

/**
 * Every BrowserWindow option that matters for security, in one object so that a unit test can assert it.
 * These hold in development too; a packaged build also has no DevTools.
 */
export function mainWindowOptions(
  preloadPath: string,
  build: { readonly packaged: boolean } = { packaged: false },
): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'RadioLabel',
    backgroundColor: '#14161a',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !build.packaged,
    },
  };
}

/** The only external links the app may open in the system browser. */
export const EXTERNAL_URL_ALLOWLIST: readonly string[] = [
  'https://github.com/NVlabs/RADIO',
  'https://huggingface.co/nvidia',
];

export function isAllowedExternalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  if (parsed?.protocol !== 'https:') return false;
  return EXTERNAL_URL_ALLOWLIST.some(
    (prefix) => parsed.href === prefix || parsed.href.startsWith(`${prefix}/`),
  );
}

/** The privileged scheme the renderer is served from (never file://). */
export const APP_SCHEME = 'app';
export const RENDERER_ORIGIN = `${APP_SCHEME}://bundle`;

/**
 * Where any frame (the window, or an iframe some content injected) may navigate: only inside our own
 * bundle, compared as parsed origins so that `app://bundle.evil/` or `app://bundle@evil/` do not pass.
 */
export function navigationAllowed(url: string): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  return (
    parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'bundle' && !parsed.username && !parsed.password
  );
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
