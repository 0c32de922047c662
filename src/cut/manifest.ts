import { resolve } from 'node:path';
import type { Analysis } from '../analysis/analyze.js';
import type { CutModels } from './extract.js';
import type { Verification } from './verify.js';

/** cut.json: what a cut folder holds, written beside head.onnx and tail.onnx. */
export interface CutManifest {
  /** absolute path of the model that was cut, when it came from a file */
  readonly model: string | null;
  /** the tensors that cross, in topological order */
  readonly tensors: readonly string[];
  /** bytes that cross per inference at `batch` */
  readonly bytes: number;
  readonly batch: number;
  /** FLOPs of each side, when the cut is one of the analysis's cut points */
  readonly headFlops?: number;
  readonly tailFlops?: number;
  /** the only batch the tail runs at, when shape arithmetic on the input crosses the cut */
  readonly fixedBatch: number | null;
  /** head -> tail against the original, when it was checked */
  readonly verification: Verification | null;
}

export interface ManifestOptions {
  /** the model file that was cut (recorded as an absolute path) */
  readonly model?: string;
  readonly verification?: Verification;
}

/** The manifest of `parts`, cut from `analysis`'s model. */
export function cutManifest(analysis: Analysis, parts: CutModels, options: ManifestOptions = {}): CutManifest {
  const point = analysis.cutPoints.find((c) => c.tensors.join() === parts.tensors.join());
  return {
    model: options.model === undefined ? null : resolve(options.model),
    tensors: parts.tensors,
    bytes: parts.bytes,
    batch: analysis.batch,
    headFlops: point?.headFlops,
    tailFlops: point?.tailFlops,
    fixedBatch: parts.fixedBatch ?? null,
    verification: options.verification ?? null,
  };
}
