import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { type ImageId, type LabelId } from '@contract';
import { Project } from '../../../../../src-main/core/project';
import {
  renderScene,
  type RenderedScene,
  type SampleColour,
  type SampleScene,
  type SampleShape,
} from '../../../../../resources/sample/sample-scene';
import { seededRandom } from '../../../../../src-main/core/random';

export const COLOURS: readonly SampleColour[] = ['red', 'green', 'blue', 'yellow'];

/** A scene of 1–3 discs and rectangles of random colours, sized to the image. */
export function randomScene(seed: number, widthPx: number, heightPx: number, colours = COLOURS): SampleScene {
  const rand = seededRandom(seed);
  const n = 1 + Math.floor(rand() * 3);
  const shapes: SampleShape[] = [];
  const minSide = Math.min(widthPx, heightPx);
  for (let i = 0; i < n; i++) {
    const colour = colours[Math.floor(rand() * colours.length)] ?? 'red';
    const size = minSide * (0.18 + rand() * 0.17);
    const cx = size + rand() * (widthPx - 2 * size);
    const cy = size + rand() * (heightPx - 2 * size);
    shapes.push(
      rand() < 0.5
        ? { kind: 'disc', colour, cx, cy, radiusPx: size * 0.8 }
        : {
            kind: 'rect',
            colour,
            x: cx - size * 0.8,
            y: cy - size * 0.7,
            widthPx: size * 1.6,
            heightPx: size * 1.4,
          },
    );
  }
  return { name: `scene-${seed}.png`, widthPx, heightPx, seed, shapes };
}

export interface SyntheticImage {
  readonly id: ImageId;
  readonly scene: SampleScene;
  readonly rendered: RenderedScene;
}

export interface SyntheticProject {
  readonly project: Project;
  readonly images: SyntheticImage[];
  readonly labels: Record<SampleColour, LabelId>;
}

/** Writes the scenes as PNGs into `dir` and a project over them with one label per colour. */
export async function createSyntheticProject(
  dir: string,
  scenes: readonly SampleScene[],
): Promise<SyntheticProject> {
  const project = Project.create(dir, { name: 'synthetic' });
  const images: SyntheticImage[] = [];
  for (const scene of scenes) {
    const rendered = renderScene(scene);
    const file = path.join(dir, scene.name);
    const raw = { width: scene.widthPx, height: scene.heightPx, channels: 3 as const };
    await sharp(Buffer.from(rendered.rgb), { raw }).png().toFile(file);
    const inserted = project.images.insert({
      path: scene.name,
      name: scene.name,
      sha256: createHash('sha256').update(rendered.rgb).update(scene.name).digest('hex'),
      format: 'png',
      bytes: statSync(file).size,
      widthPx: scene.widthPx,
      heightPx: scene.heightPx,
    });
    images.push({ id: inserted.id, scene, rendered });
  }
  const labels = Object.fromEntries(COLOURS.map((c) => [c, project.labels.create({ name: c }).id])) as Record<
    SampleColour,
    LabelId
  >;
  return { project, images, labels };
}
