import { seededRandom } from '../../src-main/core/random';

/**
 * Synthetic scenes with exact ground truth: shapes of known colours (some with holes) on a textured
 * background. The sample project, the segmentation ground-truth tests and the e2e walk all use them, so the
 * pixels and the masks come from this one rasteriser.
 */

export type SampleColour = 'red' | 'green' | 'blue' | 'yellow';

export const SAMPLE_COLOURS_RGB: Readonly<Record<SampleColour, readonly [number, number, number]>> = {
  red: [214, 38, 38],
  green: [38, 160, 64],
  blue: [40, 78, 214],
  yellow: [232, 206, 40],
};

export type SampleShape =
  | { kind: 'disc'; colour: SampleColour; cx: number; cy: number; radiusPx: number; holeRadiusPx?: number }
  | {
      kind: 'rect';
      colour: SampleColour;
      x: number;
      y: number;
      widthPx: number;
      heightPx: number;
      hole?: boolean;
    }
  | {
      kind: 'triangle';
      colour: SampleColour;
      points: readonly [number, number, number, number, number, number];
    };

export interface SampleScene {
  readonly name: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly seed: number;
  readonly shapes: readonly SampleShape[];
}

/** Whether pixel centre (x+0.5, y+0.5) is inside the shape. */
export function shapeContains(shape: SampleShape, x: number, y: number): boolean {
  const px = x + 0.5;
  const py = y + 0.5;
  switch (shape.kind) {
    case 'disc': {
      const d2 = (px - shape.cx) ** 2 + (py - shape.cy) ** 2;
      if (d2 > shape.radiusPx ** 2) return false;
      return shape.holeRadiusPx === undefined || d2 > shape.holeRadiusPx ** 2;
    }
    case 'rect': {
      const inside =
        px >= shape.x && px < shape.x + shape.widthPx && py >= shape.y && py < shape.y + shape.heightPx;
      if (!inside || !shape.hole) return inside;
      // The hole is the middle third in both directions.
      const hx = shape.x + shape.widthPx / 3;
      const hy = shape.y + shape.heightPx / 3;
      return !(px >= hx && px < hx + shape.widthPx / 3 && py >= hy && py < hy + shape.heightPx / 3);
    }
    case 'triangle': {
      const [x1, y1, x2, y2, x3, y3] = shape.points;
      const s1 = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1);
      const s2 = (x3 - x2) * (py - y2) - (y3 - y2) * (px - x2);
      const s3 = (x1 - x3) * (py - y3) - (y1 - y3) * (px - x3);
      return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
    }
  }
}

export interface RenderedScene {
  /** Interleaved RGB, row-major. */
  readonly rgb: Uint8Array;
  /** Per colour, a row-major 0/1 mask of every pixel of that colour (later shapes paint over earlier ones). */
  readonly masks: Readonly<Record<SampleColour, Uint8Array>>;
  /** Per shape (same order as scene.shapes), its visible pixels. */
  readonly shapeMasks: readonly Uint8Array[];
}

export function renderScene(scene: SampleScene): RenderedScene {
  const { widthPx: w, heightPx: h } = scene;
  const rand = seededRandom(scene.seed);
  const rgb = new Uint8Array(w * h * 3);
  // Background: a muted, low-saturation texture (wood-like stripes + noise) so colour alone separates shapes
  // while texture still varies.
  const phase = rand() * Math.PI * 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const stripe = Math.sin(x * 0.09 + y * 0.035 + phase) * 18;
      const noise = (rand() - 0.5) * 26;
      const i = (y * w + x) * 3;
      rgb[i] = clamp(128 + stripe + noise);
      rgb[i + 1] = clamp(118 + stripe + noise);
      rgb[i + 2] = clamp(104 + stripe * 0.8 + noise);
    }
  }
  const owner = new Int16Array(w * h).fill(-1);
  scene.shapes.forEach((shape, s) => {
    const [r, g, b] = SAMPLE_COLOURS_RGB[shape.colour];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!shapeContains(shape, x, y)) continue;
        const n = (rand() - 0.5) * 18;
        const i = (y * w + x) * 3;
        rgb[i] = clamp(r + n);
        rgb[i + 1] = clamp(g + n);
        rgb[i + 2] = clamp(b + n);
        owner[y * w + x] = s;
      }
    }
  });
  const masks = {
    red: new Uint8Array(w * h),
    green: new Uint8Array(w * h),
    blue: new Uint8Array(w * h),
    yellow: new Uint8Array(w * h),
  };
  const shapeMasks = scene.shapes.map(() => new Uint8Array(w * h));
  for (let p = 0; p < w * h; p++) {
    const s = owner[p] ?? -1;
    if (s < 0) continue;
    const shape = scene.shapes[s];
    if (!shape) continue;
    masks[shape.colour][p] = 1;
    (shapeMasks[s] as Uint8Array)[p] = 1;
  }
  return { rgb, masks, shapeMasks };
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** The sample project's scenes: 640×480, two to four shapes each, holes in some. */
export const SAMPLE_SCENES: readonly SampleScene[] = [
  {
    name: 'sample-01.png',
    widthPx: 640,
    heightPx: 480,
    seed: 1,
    shapes: [
      { kind: 'disc', colour: 'red', cx: 180, cy: 200, radiusPx: 90 },
      { kind: 'rect', colour: 'blue', x: 360, y: 120, widthPx: 200, heightPx: 150 },
    ],
  },
  {
    name: 'sample-02.png',
    widthPx: 640,
    heightPx: 480,
    seed: 2,
    shapes: [
      { kind: 'disc', colour: 'green', cx: 470, cy: 330, radiusPx: 100, holeRadiusPx: 40 },
      { kind: 'triangle', colour: 'red', points: [80, 420, 260, 420, 170, 250] },
      { kind: 'rect', colour: 'yellow', x: 300, y: 40, widthPx: 140, heightPx: 110 },
    ],
  },
  {
    name: 'sample-03.png',
    widthPx: 640,
    heightPx: 480,
    seed: 3,
    shapes: [
      { kind: 'rect', colour: 'red', x: 60, y: 60, widthPx: 240, heightPx: 180, hole: true },
      { kind: 'disc', colour: 'blue', cx: 470, cy: 340, radiusPx: 85 },
    ],
  },
  {
    name: 'sample-04.png',
    widthPx: 640,
    heightPx: 480,
    seed: 4,
    shapes: [
      { kind: 'disc', colour: 'yellow', cx: 150, cy: 340, radiusPx: 80 },
      { kind: 'disc', colour: 'red', cx: 430, cy: 150, radiusPx: 70 },
      { kind: 'rect', colour: 'green', x: 380, y: 290, widthPx: 200, heightPx: 140 },
    ],
  },
  {
    name: 'sample-05.png',
    widthPx: 640,
    heightPx: 480,
    seed: 5,
    shapes: [
      { kind: 'triangle', colour: 'blue', points: [60, 400, 300, 400, 180, 120] },
      { kind: 'disc', colour: 'green', cx: 470, cy: 200, radiusPx: 110 },
    ],
  },
  {
    name: 'sample-06.png',
    widthPx: 640,
    heightPx: 480,
    seed: 6,
    shapes: [
      { kind: 'rect', colour: 'yellow', x: 70, y: 90, widthPx: 210, heightPx: 300, hole: true },
      { kind: 'disc', colour: 'red', cx: 480, cy: 260, radiusPx: 95, holeRadiusPx: 35 },
    ],
  },
];

/** Labels of the sample project, one per colour, with hotkeys 1–4. */
export const SAMPLE_LABELS: readonly { name: SampleColour; color: string; hotkey: string }[] = [
  { name: 'red', color: '#e53935', hotkey: '1' },
  { name: 'green', color: '#43a047', hotkey: '2' },
  { name: 'blue', color: '#1e63e9', hotkey: '3' },
  { name: 'yellow', color: '#fdd835', hotkey: '4' },
];
