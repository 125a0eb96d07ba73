import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eApp, type E2eApp } from './harness';
import { currentFile } from './project-helpers';

/** Issue 12, defect 6: `t` focuses the prompt, and no shortcut fires while a text field has focus. */
describe('keyboard: the prompt shortcut and typing in fields', () => {
  let app: E2eApp;
  const activeTool = () => app.page.locator('.toolbar button.active').innerText();
  const focusedLabel = () =>
    app.page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);

  beforeAll(async () => {
    app = await startE2eApp();
    await app.page.getByRole('button', { name: 'Open sample project' }).first().click();
    await app.page.getByText('6 images').waitFor();
    await app.page.locator('.image-row.current', { hasText: 'sample-01.png' }).waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('t focuses the prompt box, and the typed prompt fires no tool or navigation key', async () => {
    const page = app.page;
    await page.locator('.brand').click();
    expect(await focusedLabel()).toBeNull();
    await page.keyboard.press('t');
    expect(await focusedLabel()).toBe('Text prompt');
    await page.keyboard.type('red');
    expect(await page.getByLabel('Text prompt', { exact: true }).inputValue()).toBe('red');
    // r (brush), e (eraser) and d (next image) went into the box, not to the tools.
    expect(await activeTool()).toBe('Select');
    expect(await currentFile(page)).toBe('sample-01.png');
    await page.locator('.prompt-bar', { hasText: '1 found' }).waitFor();
    // Escape clears the prompt; a second Escape leaves the box, and keys are shortcuts again.
    await page.keyboard.press('Escape');
    expect(await page.getByLabel('Text prompt', { exact: true }).inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    expect(await activeTool()).toBe('Box');
    await page.keyboard.press('v');
  });

  it('no shortcut fires in inputs, selects or contenteditable elements', async () => {
    const page = app.page;
    await page.getByLabel('New label').fill('');
    await page.getByLabel('New label').pressSequentially('bread');
    expect(await activeTool()).toBe('Select');
    expect(await currentFile(page)).toBe('sample-01.png');
    await page.getByLabel('New label').fill('');
    await page.evaluate(() => {
      const note = document.createElement('div');
      note.contentEditable = 'true';
      note.id = 'note';
      note.textContent = '';
      document.body.append(note);
      note.focus();
    });
    await page.keyboard.type('drape');
    expect(await page.locator('#note').innerText()).toBe('drape');
    expect(await activeTool()).toBe('Select');
    expect(await currentFile(page)).toBe('sample-01.png');
    await page.evaluate(() => document.getElementById('note')?.remove());
    // Outside any field, d still goes to the next image.
    await page.locator('.brand').click();
    await page.keyboard.press('d');
    await expect.poll(() => currentFile(page)).toBe('sample-02.png');
  });
});
