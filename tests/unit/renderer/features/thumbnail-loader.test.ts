import { describe, expect, it } from 'vitest';
import { ThumbnailLoader } from '../../../../src-renderer/features/image-list/thumbnail-loader';

/** A fetch whose answers the test releases by hand; aborted requests reject like the browser's. */
function manualFetch() {
  const calls: { url: string; signal: AbortSignal; release: () => void }[] = [];
  const fetchFn = ((url: string, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init!.signal!;
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      calls.push({ url, signal, release: () => resolve(new Response(new Blob([url]))) });
    })) as typeof fetch;
  return { calls, fetchFn };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('thumbnail loader', () => {
  it('keeps few requests on the wire, serves visible rows first, and aborts rows scrolled away', async () => {
    const { calls, fetchFn } = manualFetch();
    const loader = new ThumbnailLoader(2, 10, fetchFn);
    const loaded: string[] = [];
    const handles = Array.from({ length: 6 }, (_, i) =>
      loader.request(`/t/${i}`, 1, () => loaded.push(`/t/${i}`)),
    );
    expect(calls.map((c) => c.url)).toEqual(['/t/0', '/t/1']);
    // Row 5 scrolls into view: it goes before the queued overscan rows.
    handles[5]!.setPriority(0);
    // Rows 0 and 1 scroll away while in flight: both are aborted, and the next ones start.
    handles[0]!.cancel();
    handles[1]!.cancel();
    expect(calls[0]!.signal.aborted && calls[1]!.signal.aborted).toBe(true);
    expect(calls.map((c) => c.url)).toEqual(['/t/0', '/t/1', '/t/5', '/t/2']);
    expect(loader.pending).toEqual({ running: 2, queued: 2 });
    calls[2]!.release();
    await tick();
    await tick();
    expect(loaded).toEqual(['/t/5']);
    // A cached thumbnail is served at once, without a request.
    const before = calls.length;
    let again = '';
    loader.request('/t/5', 0, (u) => (again = u));
    expect(again).toMatch(/^blob:/);
    expect(calls.length).toBe(before);
    loader.dispose();
  });
});
