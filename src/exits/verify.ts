/**
 * The check `addExits` runs on every model it makes: the original outputs unchanged, the exits
 * of the right shape. Without graph optimisations ORT runs the same kernels in the same order on
 * the backbone, so its outputs must be bit-identical; with them, a branch reading a tensor can
 * stop a fusion (Conv + BatchNormalization, say) and change the rounding, so 1e-6 relative.
 */
import { inferShapes } from '../analysis/infer.js';
import { CutError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto } from '../onnx/types.js';
import { randomFeeds } from '../runtime/random-feeds.js';
import { type RunTensor, Session, type SessionOptions } from '../runtime/session.js';

/** Relative error allowed on the original outputs with ORT's graph optimisations on. */
export const EXITS_OPTIMISED_RTOL = 1e-6;

export interface ExitVerification {
  /** every original output bit for bit the same, optimisations off */
  readonly bitIdentical: boolean;
  /** max |with exits - original| / max |original| over the original outputs, optimisations on */
  readonly optimisedRelativeError: number;
  /** shape of each exit output on the check's batch */
  readonly exitShapes: Readonly<Record<string, readonly number[]>>;
  /** the check's batch size */
  readonly batch: number;
}

export interface VerifyExitsOptions {
  readonly seed?: number;
  /** the batch size of the check where the batch is symbolic (default 2, so a batch mix-up shows) */
  readonly batch?: number;
}

async function runBoth(original: ModelProto, withExits: ModelProto, feeds: Record<string, RunTensor>, options: SessionOptions): Promise<[Record<string, RunTensor>, Record<string, RunTensor>]> {
  const results: Record<string, RunTensor>[] = [];
  for (const model of [original, withExits]) {
    const session = await Session.fromModel(model, options);
    try {
      results.push(await session.run(feeds));
    } finally {
      await session.release();
    }
  }
  return results as [Record<string, RunTensor>, Record<string, RunTensor>];
}

function bytesOf(t: RunTensor): Uint8Array {
  if (Array.isArray(t.data)) return new TextEncoder().encode(JSON.stringify(t.data));
  const d = t.data as Exclude<RunTensor['data'], readonly string[]>;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

function sameBits(a: RunTensor, b: RunTensor): boolean {
  if (a.dims.join() !== b.dims.join()) return false;
  const x = bytesOf(a);
  const y = bytesOf(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function relativeError(a: RunTensor, b: RunTensor): number {
  if (a.dims.join() !== b.dims.join()) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = Number(a.data[i]);
    const d = Math.abs(x - Number(b.data[i]));
    scale = Math.max(scale, Math.abs(x));
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
  }
  return diff === 0 ? 0 : diff / Math.max(scale, Number.MIN_VALUE);
}

/** Runs the original and the model with exits on one seeded random batch and compares them. */
export async function verifyExits(original: ModelProto, withExits: ModelProto, exitOutputs: readonly string[], classes: number, options: VerifyExitsOptions = {}): Promise<ExitVerification> {
  // Bounds: both models run on the same feeds and return every output of the original (the model with exits keeps them all) and every exit output (checked in the loop).
  const graph = graphFromModel(original);
  const batch = options.batch ?? 2;
  const feeds = randomFeeds(graph, inferShapes(graph, { batch }), options.seed ?? 1);
  const names = graph.outputs.map((o) => o.name);
  const [plainA, plainB] = await runBoth(original, withExits, feeds, { optimization: 'disabled' });
  const [optA, optB] = await runBoth(original, withExits, feeds, { optimization: 'all' });
  const bitIdentical = names.every((n) => sameBits(plainA[n]!, plainB[n]!));
  const optimisedRelativeError = Math.max(0, ...names.map((n) => relativeError(optA[n]!, optB[n]!)));
  const exitShapes: Record<string, readonly number[]> = {};
  const inputBatch = Object.values(feeds)[0]?.dims[0] ?? batch;
  for (const name of exitOutputs) {
    for (const out of [plainB[name], optB[name]]) {
      if (!out) throw new CutError(`the model with exits does not produce "${name}"`);
      if (out.dims.length !== 2 || out.dims[0] !== inputBatch || out.dims[1] !== classes) throw new CutError(`exit output "${name}" has shape [${out.dims.join(', ')}], expected [${inputBatch}, ${classes}]`);
      for (let i = 0; i < out.data.length; i++) if (!Number.isFinite(Number(out.data[i]))) throw new CutError(`exit output "${name}" holds ${out.data[i]} at ${i}`);
    }
    exitShapes[name] = plainB[name]!.dims;
  }
  return { bitIdentical, optimisedRelativeError, exitShapes, batch: inputBatch };
}
