import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../src-main/core/content-security-policy';

describe('renderer Content-Security-Policy', () => {
  it('lets scripts come from the app only, with WebAssembly compilation but no eval', () => {
    const directives = contentSecurityPolicy().split('; ');
    expect(directives).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(contentSecurityPolicy()).not.toMatch(/'unsafe-eval'|https?:/);
  });
});
