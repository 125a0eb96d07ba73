import type { GraphInfo } from '../models/graph-check';
import type { ExecutionProviderName, ProviderReport } from './providers';

/** Messages between InferenceClient (main thread) and inference.worker.ts. Tensors travel as transferred buffers. */

export type FeedTensor =
  | { type: 'float32'; dims: number[]; data: Float32Array }
  | { type: 'int64'; dims: number[]; data: BigInt64Array };

export interface OutputTensor {
  dims: number[];
  data: Float32Array;
}

export interface WorkerInit {
  readonly provider: ExecutionProviderName;
}

export type WorkerRequest =
  | { kind: 'run'; id: number; modelPath: string; feeds: Record<string, FeedTensor>; outputNames: string[] }
  | { kind: 'describe'; id: number; modelPath: string }
  | { kind: 'release'; id: number }
  /** Test hook: makes the worker exit abnormally, to prove that callers get an error and the worker restarts. */
  | { kind: 'crash'; id: number };

export type WorkerResponse =
  | { kind: 'result'; id: number; outputs: Record<string, OutputTensor>; provider: ProviderReport }
  | { kind: 'described'; id: number; info: GraphInfo; provider: ProviderReport }
  | { kind: 'released'; id: number }
  | { kind: 'error'; id: number; message: string };
