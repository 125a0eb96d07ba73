import { describe, expect, it } from 'vitest';
import { ThumbnailLoader } from '../../../../src-renderer/features/image-list/thumbnail-loader';

describe('thumbnail loader', () => {
  it('lets few rows load at once, visible rows first, and frees the slots of rows scrolled away', () => {
    const loader = new ThumbnailLoader(2);
    const granted: number[] = [];
    const handles = Array.from({ length: 6 }, (_, i) => loader.request(1, () => granted.push(i)));
    expect(granted).toEqual([0, 1]);
    // Row 5 scrolls into view: it goes before the queued overscan rows.
    handles[5]!.setPriority(0);
    // Rows 0 and 1 scroll away while loading: their slots go to the next rows at once.
    handles[0]!.cancel();
    handles[1]!.cancel();
    expect(granted).toEqual([0, 1, 5, 2]);
    expect(loader.pending).toEqual({ running: 2, queued: 2 });
    // Row 3 scrolls away before its turn: it is never granted.
    handles[3]!.cancel();
    handles[5]!.done();
    expect(granted).toEqual([0, 1, 5, 2, 4]);
  });

  it('starts nothing while the list is being scrolled, then serves by priority', () => {
    const loader = new ThumbnailLoader(4);
    const granted: string[] = [];
    loader.setPaused(true);
    for (const name of ['a', 'b', 'c']) loader.request(name === 'c' ? 0 : 1, () => granted.push(name));
    expect(granted).toEqual([]);
    loader.setPaused(false);
    expect(granted).toEqual(['c', 'a', 'b']);
  });
});
