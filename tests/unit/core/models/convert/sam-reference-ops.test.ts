import { describe, expect, it } from 'vitest';
import { bilinear, erf } from '../../../../fixtures/sam/reference-ops';

// The float64 reference's own building blocks, against published values.
describe('SAM reference operations', () => {
  it('erf matches tabulated values to 1e-15', () => {
    const table: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-1.2, -0.9103139782296353],
    ];
    for (const [x, want] of table) expect(Math.abs(erf(x) - want)).toBeLessThan(1e-15);
  });

  it('bilinear is torch.nn.functional.interpolate(mode="bilinear", align_corners=False)', () => {
    // torch: F.interpolate(tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4), mode='bilinear')
    expect(Array.from(bilinear(Float64Array.of(1, 2, 3, 4), 2, 2, 4, 4))).toEqual([
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4,
    ]);
  });
});
