import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';

describe('app shell in Chromium (browser mode)', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startE2eApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('renders the shell with the backend connected', async () => {
    await app.page.getByText('browser mode', { exact: false }).first().waitFor();
    expect(await app.page.locator('.brand').innerText()).toBe('RadioLabel');
    expect(await app.page.locator('.topbar').innerText()).toContain('ve2e · browser mode');
    await app.screenshot('shell');
  });

  it('strips the token from the address bar after reading it', () => {
    expect(app.page.url()).not.toContain('token=');
  });

  it('exposes no Node or IPC surface to the page', async () => {
    const surface = await app.page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return {
        process: typeof w.process,
        require: typeof w.require,
        ipcRenderer: typeof w.ipcRenderer,
        electron: typeof w.electron,
      };
    });
    expect(surface).toEqual({
      process: 'undefined',
      require: 'undefined',
      ipcRenderer: 'undefined',
      electron: 'undefined',
    });
  });

  it('sends a strict CSP with the page', async () => {
    const response = await app.page.request.get(app.server.url);
    expect(response.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
  });

  it('lets the page compile WebAssembly synchronously (the mask kernels), under that CSP', async () => {
    const compiled = await app.page.evaluate(() => {
      try {
        // The smallest module: magic and version. The kernels are under the 4 KiB sync limit too.
        new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
        return 'ok';
      } catch (e) {
        return String(e);
      }
    });
    expect(compiled).toBe('ok');
  });
});
