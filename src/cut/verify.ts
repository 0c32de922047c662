import type { Analysis } from '../analysis/analyze.js';
import { CutError } from '../errors.js';
import { randomFeeds } from '../runtime/random-feeds.js';
import { type RunTensor, Session } from '../runtime/session.js';
import type { CutModels } from './extract.js';

/**
 * Verification runs every model without graph optimisations: ORT fuses nodes (Conv+BN+Clip)
 * differently on each side of a cut, and deep nets amplify that rounding to ~1e-5. Unfused, the
 * same kernels run in the same order, so any difference is a real error of the cut.
 */
const VERIFY_SESSION = { optimization: 'disabled' } as const;

/** Default tolerance: outputs of head->tail agree with the original to this relative error. */
export const CUT_RTOL = 1e-5;

export interface OutputAgreement {
  readonly output: string;
  /** max |cut - original| / max(|original|), the error relative to the output's scale */
  readonly relativeError: number;
  readonly maxAbsError: number;
}

export interface Verification {
  readonly ok: boolean;
  readonly rtol: number;
  readonly outputs: readonly OutputAgreement[];
}

function compare(name: string, a: RunTensor, b: RunTensor): OutputAgreement {
  if (a.dims.join() !== b.dims.join()) throw new CutError(`output "${name}": the cut model gives shape [${b.dims}], the original [${a.dims}]`);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = Number(a.data[i]);
    const y = Number(b.data[i]);
    scale = Math.max(scale, Math.abs(x));
    const d = Math.abs(x - y);
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
  }
  return { output: name, maxAbsError: maxAbs, relativeError: maxAbs === 0 ? 0 : maxAbs / Math.max(scale, Number.MIN_VALUE) };
}

/**
 * Runs the original model and head -> tail on the same seeded random input with ONNX Runtime
 * and compares every graph output.
 */
export interface VerifyOptions {
  readonly rtol?: number;
  readonly seed?: number;
  /** the original's outputs on this seed's input (from `referenceOutputs`), to check many cuts of one model */
  readonly expected?: Readonly<Record<string, RunTensor>>;
  /** largest input or activation allowed (default DEFAULT_MAX_TENSOR_BYTES), checked before anything runs */
  readonly maxTensorBytes?: number;
}

/** The original model's outputs on the seeded random input verifyCut uses. */
export async function referenceOutputs(analysis: Analysis, seed = 1, maxTensorBytes?: number): Promise<Record<string, RunTensor>> {
  const { graph, inference } = analysis.dataflow;
  const feeds = randomFeeds(graph, inference, seed, maxTensorBytes);
  const full = await Session.fromModel(graph.model, VERIFY_SESSION);
  try {
    return await full.run(feeds);
  } finally {
    await full.release();
  }
}

export async function verifyCut(analysis: Analysis, cut: CutModels, options: VerifyOptions = {}): Promise<Verification> {
  // Bounds: randomFeeds gives every graph input, the head's inputs are graph inputs and the tail's are head outputs (the cut's models), and expected holds every graph output.
  const rtol = options.rtol ?? CUT_RTOL;
  const { graph, inference } = analysis.dataflow;
  const seed = options.seed ?? 1;
  const feeds = randomFeeds(graph, inference, seed, options.maxTensorBytes);
  const expected = options.expected ?? (await referenceOutputs(analysis, seed, options.maxTensorBytes));
  const sessions = await Promise.all([Session.fromModel(cut.head, VERIFY_SESSION), Session.fromModel(cut.tail, VERIFY_SESSION)]);
  const [head, tail] = sessions as [Session, Session];
  try {
    const headFeeds = Object.fromEntries(head.inputNames.map((n) => [n, feeds[n]!]));
    const headOut = await head.run(headFeeds);
    const tailOut = await tail.run(Object.fromEntries(tail.inputNames.map((n) => [n, headOut[n]!])));
    const outputs = graph.outputs.map((o) => {
      const got = tailOut[o.name] ?? headOut[o.name];
      if (!got) throw new CutError(`output "${o.name}" is produced by neither the head nor the tail`);
      return compare(o.name, expected[o.name]!, got);
    });
    return { ok: outputs.every((o) => o.relativeError <= rtol), rtol, outputs };
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}

/** Throws a CutError naming the worst output when `v` failed: a cut that does not reproduce the model is not written. */
export function checkReproduces(v: Verification): void {
  if (v.ok) return;
  const worst = v.outputs.reduce((a, b) => (b.relativeError > a.relativeError ? b : a));
  throw new CutError(`the cut does not reproduce the model: output "${worst.output}" differs by ${worst.relativeError.toExponential(2)} relative (max abs ${worst.maxAbsError.toExponential(2)}), above ${v.rtol}`);
}
