import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, mainWindowOptions } from '../../../src-main/electron/window-options';
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
