import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SafetensorsFile, type TensorInfo } from './safetensors';
import type { FloatSource } from './weight-emitter';

/** A checkpoint folder that cannot be converted; the message names the file and the field or tensor. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

const indexSchema = z.object({ weight_map: z.record(z.string(), z.string()) });

/**
 * The weights of a Hugging Face model folder: `model.safetensors`, or the shards listed by
 * `model.safetensors.index.json` (what `save_pretrained` writes above its shard size). Headers are read
 * once; tensors are read on demand.
 */
export class Checkpoint {
  private constructor(
    readonly dir: string,
    private readonly files: readonly SafetensorsFile[],
    private readonly byName: ReadonlyMap<string, SafetensorsFile>,
  ) {}

  static open(dir: string): Checkpoint {
    const single = path.join(dir, 'model.safetensors');
    const indexFile = path.join(dir, 'model.safetensors.index.json');
    const files: SafetensorsFile[] = [];
    const byName = new Map<string, SafetensorsFile>();
    try {
      if (existsSync(single)) {
        const f = SafetensorsFile.open(single);
        files.push(f);
        for (const name of f.tensors.keys()) byName.set(name, f);
      } else if (existsSync(indexFile)) {
        let parsed;
        try {
          parsed = indexSchema.parse(JSON.parse(readFileSync(indexFile, 'utf8')));
        } catch (e) {
          throw new CheckpointError(indexFile, `not a safetensors index (${(e as Error).message})`);
        }
        const shards = new Map<string, SafetensorsFile>();
        for (const [tensor, shard] of Object.entries(parsed.weight_map)) {
          if (shard.includes('/') || shard.includes('\\')) {
            throw new CheckpointError(indexFile, `weight_map.${tensor}: shard "${shard}" is not a file name`);
          }
          let f = shards.get(shard);
          if (!f) {
            f = SafetensorsFile.open(path.join(dir, shard));
            shards.set(shard, f);
            files.push(f);
          }
          if (!f.tensors.has(tensor)) {
            throw new CheckpointError(
              path.join(dir, shard),
              `the index lists "${tensor}" here, but the file has no such tensor`,
            );
          }
          byName.set(tensor, f);
        }
      } else {
        throw new CheckpointError(dir, 'has neither model.safetensors nor model.safetensors.index.json');
      }
    } catch (e) {
      for (const f of files) f.close();
      throw e;
    }
    return new Checkpoint(dir, files, byName);
  }

  get names(): IterableIterator<string> {
    return this.byName.keys();
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  info(name: string): TensorInfo {
    const f = this.byName.get(name);
    if (!f) throw new CheckpointError(this.label, `no tensor named "${name}"`);
    return f.get(name);
  }

  shape(name: string): readonly number[] {
    return this.info(name).shape;
  }

  /** The tensor as a streamed float source (F32/F16/BF16 decoded to float32 block by block). */
  source(name: string): FloatSource {
    const f = this.byName.get(name);
    if (!f) throw new CheckpointError(this.label, `no tensor named "${name}"`);
    const info = f.get(name);
    if (!['F32', 'F16', 'BF16', 'F64'].includes(info.dtype)) {
      throw new CheckpointError(f.file, `tensor "${name}" is ${info.dtype}, expected a float tensor`);
    }
    return { label: name, shape: info.shape, read: (start, count) => f.readFloat32Range(name, start, count) };
  }

  /** The whole tensor as float32 (small tensors and those the converter must compute with). */
  float32(name: string): Float32Array {
    const s = this.source(name);
    return s.read(
      0,
      s.shape.reduce((a, b) => a * b, 1),
    );
  }

  integers(name: string): number[] {
    const f = this.byName.get(name);
    if (!f) throw new CheckpointError(this.label, `no tensor named "${name}"`);
    return f.readIntegers(name);
  }

  /** Total bytes of tensor data (the "weights' size" that memory limits are measured against). */
  get weightBytes(): number {
    let n = 0;
    for (const f of this.files) for (const t of f.tensors.values()) n += t.byteLength;
    return n;
  }

  get label(): string {
    return this.files.length === 1
      ? this.files[0]!.file
      : path.join(this.dir, 'model.safetensors.index.json');
  }

  close(): void {
    for (const f of this.files) f.close();
  }
}

/** Reads and parses a JSON file, with errors that name it. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CheckpointError(file, 'file not found');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CheckpointError(file, `not valid JSON (${(e as Error).message})`);
  }
}

/** zod parse with a CheckpointError naming the file and the first bad field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new CheckpointError(file, `${field}: ${issue?.message ?? 'invalid'}`);
}
