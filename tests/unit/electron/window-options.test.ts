import { describe, expect, it } from 'vitest';
import {
  isAllowedExternalUrl,
  mainWindowOptions,
  navigationAllowed,
} from '../../../src-main/electron/window-options';
import { senderAllowed } from '../../../src-main/electron/sender-check';

describe('BrowserWindow options', () => {
  it('follow every window security rule (sandbox, isolation, no node, no remote content)', () => {
    const prefs = mainWindowOptions('/x/preload.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('packaged builds', () => {
  it('have no DevTools; development builds keep them', () => {
    expect(mainWindowOptions('/x/preload.cjs', { packaged: true }).webPreferences?.devTools).toBe(false);
    expect(mainWindowOptions('/x/preload.cjs', { packaged: false }).webPreferences?.devTools).toBe(true);
  });
});

describe('frame navigation (will-navigate, will-frame-navigate, will-redirect)', () => {
  it('stays inside the app bundle, compared by parsed origin', () => {
    expect(navigationAllowed('app://bundle/index.html')).toBe(true);
    expect(navigationAllowed('app://bundle/index.html#/image/3')).toBe(true);
    for (const url of [
      'app://bundle.evil/index.html',
      'app://bundle@evil/index.html',
      'app://user:pw@bundle/index.html',
      'app://media/x/1/y',
      'https://evil.example/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(navigationAllowed(url), url).toBe(false);
    }
  });
});

describe('external links', () => {
  it('allows only https URLs under the allowlist', () => {
    expect(isAllowedExternalUrl('https://github.com/NVlabs/RADIO')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/NVlabs/RADIO/blob/main/README.md')).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/NVlabs/RADIO-evil')).toBe(false);
    expect(isAllowedExternalUrl('http://github.com/NVlabs/RADIO')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });
});

describe('IPC sender check', () => {
  it('accepts only the top frame of the app bundle', () => {
    expect(senderAllowed({ senderFrame: { url: 'app://bundle/index.html', parent: null } })).toBe(true);
    expect(senderAllowed({ senderFrame: { url: 'app://bundle/index.html', parent: {} } })).toBe(false);
    expect(senderAllowed({ senderFrame: { url: 'https://evil.example/', parent: null } })).toBe(false);
    expect(senderAllowed({ senderFrame: { url: 'app://bundle.evil/index.html', parent: null } })).toBe(false);
    expect(senderAllowed({ senderFrame: null })).toBe(false);
  });
});
