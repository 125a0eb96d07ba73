import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { renderScene, SAMPLE_LABELS, SAMPLE_SCENES } from './sample-scene';

/**
 * Writes the sample project's images into resources/sample/ (`npm run sample:generate`). Deterministic:
 * running it again gives the same pixels (PNG is lossless).
 */
const dir = import.meta.dirname;
for (const scene of SAMPLE_SCENES) {
  const { rgb } = renderScene(scene);
  await sharp(Buffer.from(rgb), { raw: { width: scene.widthPx, height: scene.heightPx, channels: 3 } })
    .png({ compressionLevel: 9 })
    .toFile(path.join(dir, scene.name));
}
writeFileSync(path.join(dir, 'labels.json'), `${JSON.stringify(SAMPLE_LABELS, null, 2)}\n`);
console.log(`wrote ${SAMPLE_SCENES.length} sample images to ${dir}`);
