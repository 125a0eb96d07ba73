import { describe, expect, it } from 'vitest';
import { type SegmentRequest, type SegmentResult } from '../../../../src-renderer/tools/tool-types';
import { box, square } from '../fixtures';
import { editor } from './dsl';

/** A fake segmenter: answers with a square around the last positive click, or the box; resolves on demand. */
function fakeSegmenter() {
  const requests: SegmentRequest[] = [];
  const pending: Array<() => void> = [];
  const segment = (req: SegmentRequest): Promise<readonly SegmentResult[]> => {
    requests.push(req);
    return new Promise((resolve) => {
      pending.push(() => {
        const pos = [...req.clicks].reverse().find((c) => c.positive);
        if (req.box)
          resolve([{ geometry: box(req.box.x, req.box.y, req.box.widthPx, req.box.heightPx), score: 0.8 }]);
        else if (pos) resolve([{ geometry: square(pos.x - 5, pos.y - 5, 10), score: 0.9 }]);
        else resolve([]);
      });
    });
  };
  const flush = async () => {
    while (pending.length > 0) pending.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { segment, requests, flush };
}

describe('click-segment tool', () => {
  it('left = positive, right or alt = negative; each click asks for a segmentation', async () => {
    const seg = fakeSegmenter();
    const e = editor({ tool: 'click-segment', segment: seg.segment });
    e.click(50, 50).click(60, 60, { button: 'right' }).click(70, 70, { alt: true });
    expect(seg.requests.map((r) => r.clicks)).toEqual([
      [{ x: 50, y: 50, positive: true }],
      [
        { x: 50, y: 50, positive: true },
        { x: 60, y: 60, positive: false },
      ],
      [
        { x: 50, y: 50, positive: true },
        { x: 60, y: 60, positive: false },
        { x: 70, y: 70, positive: false },
      ],
    ]);
    expect(e.overlays).toEqual([{ kind: 'clicks', clicks: seg.requests[2]!.clicks }]);
    await seg.flush();
    // Only the newest request's result is shown.
    expect(e.proposals).toHaveLength(1);
    expect(e.proposals[0]).toMatchObject({ origin: 'click', geometry: square(45, 45, 10), score: 0.9 });
    expect(e.annotations).toHaveLength(0);
  });

  it('a drag is a box prompt; Enter accepts the proposal as one undoable annotation with source=click', async () => {
    const seg = fakeSegmenter();
    const e = editor({ tool: 'click-segment', segment: seg.segment });
    e.drag([10, 10], [40, 30]);
    expect(seg.requests[0]).toMatchObject({ clicks: [], box: { x: 10, y: 10, widthPx: 30, heightPx: 20 } });
    await seg.flush();
    e.key('Enter');
    expect(e.proposals).toHaveLength(0);
    expect(e.annotations.map((a) => [a.source, a.geometry, a.score])).toEqual([
      ['click', box(10, 10, 30, 20), 0.8],
    ]);
    expect(e.overlays).toEqual([]);
    e.key('ctrl+z');
    expect(e.annotations).toHaveLength(0);
  });

  it('Esc drops the proposal and the clicks; a late result after Esc is ignored', async () => {
    const seg = fakeSegmenter();
    const e = editor({ tool: 'click-segment', segment: seg.segment });
    e.click(50, 50);
    await seg.flush();
    expect(e.proposals).toHaveLength(1);
    e.key('Escape');
    expect(e.proposals).toHaveLength(0);
    e.click(20, 20).key('Escape');
    await seg.flush();
    expect(e.proposals).toHaveLength(0);
    expect(e.overlays).toEqual([]);
  });

  it('reports a failed segmentation', async () => {
    const e = editor({ tool: 'click-segment', segment: () => Promise.reject(new Error('no embedding')) });
    e.click(5, 5);
    await new Promise((r) => setTimeout(r, 0));
    expect(e.errors).toEqual(['segmentation failed: no embedding']);
  });
});
