import path from 'node:path';
import { sha256File } from './files';
import type { ImageRef } from './import-types';
import type { ImportSink, ProjectImageRef } from './source';

const AMBIGUOUS = 'ambiguous' as const;
type Slot = ProjectImageRef | typeof AMBIGUOUS;

function put(map: Map<string, Slot>, key: string, img: ProjectImageRef): void {
  map.set(key, map.has(key) ? AMBIGUOUS : img);
}

const normalizeRel = (p: string): string =>
  p
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .toLowerCase();
const stemOf = (name: string): string => path.posix.basename(name, path.posix.extname(name)).toLowerCase();

export type MatchResult = { readonly image: ProjectImageRef } | { readonly reason: string };

/**
 * Finds the project image an annotation file refers to: exact relative path, then the unique file name,
 * then the content hash (of image bytes the file embeds, or of the image file next to the annotations),
 * then a unique stem. Byte-identical images are separate images: a content hash shared by several of
 * them is ambiguous and matches none.
 * Comparison ignores case and slash direction, as exports from Windows tools differ in both.
 */
export class ImageMatcher {
  private readonly byRel = new Map<string, Slot>();
  private readonly byName = new Map<string, Slot>();
  private readonly byStem = new Map<string, Slot>();
  private readonly bySha = new Map<string, Slot>();

  static async build(sink: ImportSink): Promise<ImageMatcher> {
    const m = new ImageMatcher();
    for await (const img of sink.images()) {
      put(m.byRel, normalizeRel(img.relativePath), img);
      put(m.byName, img.fileName.toLowerCase(), img);
      put(m.byStem, stemOf(img.fileName), img);
      if (img.sha256) put(m.bySha, img.sha256.toLowerCase(), img);
    }
    return m;
  }

  async match(ref: ImageRef): Promise<MatchResult> {
    let ambiguous = false;
    const pick = (slot: Slot | undefined): ProjectImageRef | undefined => {
      if (slot === AMBIGUOUS) ambiguous = true;
      return slot === AMBIGUOUS ? undefined : slot;
    };
    if (ref.relativePath !== undefined) {
      const hit = pick(this.byRel.get(normalizeRel(ref.relativePath)));
      if (hit) return { image: hit };
    }
    {
      const hit = pick(this.byName.get(ref.fileName.toLowerCase()));
      if (hit) return { image: hit };
    }
    if (ref.contentSha256 !== undefined && this.bySha.size > 0) {
      const sha = ref.contentSha256();
      const hit = sha === undefined ? undefined : pick(this.bySha.get(sha.toLowerCase()));
      if (hit) return { image: hit };
    }
    if (ref.findLocalFile !== undefined && this.bySha.size > 0) {
      try {
        const local = await ref.findLocalFile();
        const hit = local === undefined ? undefined : pick(this.bySha.get(await sha256File(local)));
        if (hit) return { image: hit };
      } catch {
        // unreadable image file: fall through to the other keys
      }
    }
    if (ref.stem !== undefined) {
      const hit = pick(this.byStem.get(ref.stem.toLowerCase()));
      if (hit) return { image: hit };
    }
    return {
      reason: ambiguous
        ? `${ref.display}: several project images have this name; cannot tell which one`
        : `${ref.display}: no project image with this path, name or content`,
    };
  }
}
