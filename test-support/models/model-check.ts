import { analyze, type Analysis } from '../../src/analysis/analyze.js';
import { graphFromModel } from '../../src/graph/graph.js';
import type { ModelProto, ValueInfoProto } from '../../src/onnx/types.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { randomTensor } from '../random-tensor.js';

/** Runs `model` in ONNX Runtime on seeded random input of `shape` and returns its `logits`. */
export async function runLogits(model: ModelProto, shape: readonly number[], seed = 3): Promise<RunTensor> {
  const session = await Session.fromModel(model);
  try {
    const out = await session.run({ input: randomTensor('float32', shape, seed) });
    const logits = out.logits;
    if (!logits) throw new Error(`the model has no "logits" output; it returned ${Object.keys(out).join(', ')}`);
    return logits;
  } finally {
    await session.release();
  }
}

/** The declared dims of a value info: numbers, or the symbolic names. */
export function declaredDims(v: ValueInfoProto | undefined): (number | string)[] {
  return (v?.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
}

/** cleave's own analysis of the model at batch 1 (MACs, FLOPs, cut points). */
export function analyzeModel(model: ModelProto, batch = 1): Analysis {
  return analyze(graphFromModel(model), { batch });
}

/** True when every value is a finite number. */
export function allFinite(t: RunTensor): boolean {
  for (const v of t.data as Float32Array) if (!Number.isFinite(v)) return false;
  return true;
}

/** Relative difference |a - b| / |b|. */
export function relError(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}
