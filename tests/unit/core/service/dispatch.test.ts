import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRadioLabelService } from '../../../../src-main/core/api';
import { dispatch, findMethod } from '../../../../src-main/core/service/dispatch';

describe('dispatch', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'radiolabel-dispatch-'));
  const service = createRadioLabelService({
    dataDir,
    mode: 'browser',
    version: '1.2.3',
    appRoot: process.cwd(),
  });

  it('finds contract methods only', () => {
    expect(findMethod('settings', 'get')).toEqual({ group: 'settings', method: 'get' });
    expect(findMethod('settings', 'toString')).toBeUndefined();
    expect(findMethod('__proto__', 'get')).toBeUndefined();
  });

  it('validates input and returns errors as data', async () => {
    const bad = await dispatch(
      service.handlers,
      { group: 'settings', method: 'update' },
      { cacheBudgetBytes: -5 },
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('invalid_input');
      expect(bad.error.message).toMatch(/^settings\.update: cacheBudgetBytes: /);
    }
  });

  it('persists settings across service instances', async () => {
    const r = await dispatch(service.handlers, { group: 'settings', method: 'update' }, { provider: 'cuda' });
    expect(r.ok && (r.value as { provider: string }).provider).toBe('cuda');
    const again = createRadioLabelService({
      dataDir,
      mode: 'browser',
      version: '1.2.3',
      appRoot: process.cwd(),
    });
    const got = await dispatch(again.handlers, { group: 'settings', method: 'get' }, {});
    expect(got.ok && (got.value as { provider: string }).provider).toBe('cuda');
  });
});
