import assert from 'node:assert/strict';
import { buildGradientModel, type GradientModel } from '../../src/autodiff/backward.js';
import { liftInitializers } from '../../src/autodiff/lift.js';
import { type AttrValue, ModelBuilder } from '../../src/graph/builder.js';
import { Random } from '../../src/graph/random.js';
import type { DType } from '../../src/onnx/dtype.js';
import { numelOf, tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { randomTensor } from '../random-tensor.js';

/** Tolerances of a gradient check: |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|). */
export interface GradTolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** float32 central differences with eps 1e-2 on O(1) data: truncation ~eps^2, rounding ~1e-7/eps. */
export const FD_TOLERANCE: GradTolerance = { rtol: 1e-2, atol: 2e-3 };
/** Deep nets (many roundings, kinks of Relu/MaxPool nearby): looser. */
export const FD_MODEL_TOLERANCE: GradTolerance = { rtol: 5e-2, atol: 5e-3 };

export interface GradCheckOptions {
  /** the model output whose weighted sum sum(Y * R) is the objective; default: the first output */
  readonly output?: string;
  readonly eps?: number;
  /** several step sizes, tried in order until one agrees (default: [eps]) */
  readonly steps?: readonly number[];
  /** coordinates checked per tensor (all when the tensor is smaller) */
  readonly samples?: number;
  readonly seed?: number;
  readonly binding?: { readonly batch?: number };
  /** what runs as the analytic side: default autodiff's plain model (e.g. the ORT passes applied to it) */
  readonly transform?: (g: GradientModel) => ModelProto;
}

export interface TensorGradCheck {
  readonly tensor: string;
  readonly checked: number;
  /** coordinates skipped because a kink (Relu, MaxPool) lies within eps */
  readonly kinked: number;
  /** checked coordinates within tolerance */
  readonly passed: number;
  readonly maxAbsError: number;
  /** worst error relative to the tolerance (<= 1 passes) */
  readonly worstRatio: number;
  readonly worst: { readonly index: number; readonly analytic: number; readonly numeric: number };
}

function objective(y: Float32Array, r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]! * r[i]!;
  return s;
}

/**
 * Checks cleave's analytic gradients against central finite differences run through ORT.
 * The objective is sum(Y * R) with R a fixed random tensor (so every output element weighs
 * differently); its gradient w.r.t. Y is R, given as the seed. Initializers among `wrt` are
 * lifted to inputs so both sides perturb the same values.
 */
export async function gradCheck(model: ModelProto, feeds: Readonly<Record<string, RunTensor>>, wrt: readonly string[], tol: GradTolerance = FD_TOLERANCE, options: GradCheckOptions = {}): Promise<TensorGradCheck[]> {
  const initNames = new Set(model.graph.initializer.map((t) => t.name));
  const { model: lifted, lifted: tensors } = liftInitializers(model, wrt.filter((w) => initNames.has(w)));
  const allFeeds: Record<string, RunTensor> = { ...feeds };
  for (const t of tensors) allFeeds[t.name] = { dtype: 'float32', dims: t.dims.map(Number), data: Float32Array.from(tensorValue(t).data) };
  const output = options.output ?? model.graph.output[0]!.name;

  const forward = await Session.fromModel({ ...lifted, graph: { ...lifted.graph, output: lifted.graph.output.filter((o) => o.name === output) } });
  const y0 = (await forward.run(allFeeds))[output]!;
  const rng = new Random(options.seed ?? 11);
  const r = Float32Array.from({ length: numelOf(y0.dims) }, () => rng.normal());
  const grad = buildGradientModel(lifted, { seeds: [{ tensor: output, grad: `${output}__seed` }], wrt, outputs: [output], binding: options.binding });
  const backward = await Session.fromModel(options.transform ? options.transform(grad) : grad.model);
  const analytic = await backward.run({ ...allFeeds, [`${output}__seed`]: { dtype: 'float32', dims: y0.dims, data: r } });
  await backward.release();

  const steps = options.steps ?? [options.eps ?? 1e-2];
  const f0 = objective(y0.data as Float32Array, r);
  const results: TensorGradCheck[] = [];
  for (const w of wrt) {
    const base = allFeeds[w]!;
    const data = base.data as Float32Array;
    const a = analytic[grad.grads.get(w)!]?.data as Float32Array;
    const n = data.length;
    const samples = options.samples ?? 24;
    const coords = n <= samples ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: samples }, () => rng.int(n));
    let maxAbs = 0;
    let worstRatio = 0;
    let kinked = 0;
    let passed = 0;
    let worst = { index: -1, analytic: 0, numeric: 0 };
    for (const i of coords) {
      const v = data[i]!;
      const at = async (value: number): Promise<number> => {
        const perturbed = Float32Array.from(data);
        perturbed[i] = value;
        return objective((await forward.run({ ...allFeeds, [w]: { ...base, data: perturbed } }))[output]?.data as Float32Array, r);
      };
      const an = a[i]!;
      const ratioTo = (numeric: number) => Math.abs(an - numeric) / (tol.atol + tol.rtol * Math.max(Math.abs(an), Math.abs(numeric)));
      // Central differences at each step size; the first that agrees counts (a kink or float32
      // rounding spoils one step size, rarely all of them). Points where only a one-sided
      // difference agrees sit at a kink and count as kinked, not as errors.
      let numeric = 0;
      let ratio = Infinity;
      let oneSided = Infinity;
      for (const h of steps) {
        const u = await at(v + h);
        const d = await at(v - h);
        const c = (u - d) / (2 * h);
        if (ratioTo(c) < ratio) [numeric, ratio] = [c, ratioTo(c)];
        if (ratio <= 1) break;
        // A Relu/Clip/MaxPool kink within h of the point bends the central difference; the
        // analytic derivative then equals the one-sided difference on the kink-free side (the
        // function is piecewise linear there).
        oneSided = Math.min(oneSided, ratioTo((u - f0) / h), ratioTo((f0 - d) / h));
      }
      const err = Math.abs(an - numeric);
      if (ratio > 1 && oneSided <= 1) {
        kinked++;
        continue;
      }
      if (ratio <= 1) passed++;
      maxAbs = Math.max(maxAbs, err);
      if (ratio > worstRatio || worst.index < 0) {
        worstRatio = ratio;
        worst = { index: i, analytic: an, numeric };
      }
    }
    results.push({ tensor: w, checked: coords.length, kinked, passed, maxAbsError: maxAbs, worstRatio, worst });
  }
  await forward.release();
  return results;
}

/** One input of a single-node gradient check; every input is a graph input (so FD can perturb it). */
export interface GradInput {
  readonly shape: readonly number[];
  readonly dtype?: DType;
  /** fixed values, as an initializer (otherwise a fed input with seeded normal values) */
  readonly value?: readonly number[];
  /** check this input's gradient (default: for float inputs without fixed values) */
  readonly check?: boolean;
  readonly omitted?: boolean;
  /** keep values at least this far from 0 (avoids kinks of Relu/Abs within eps) */
  readonly awayFromZero?: number;
  /** make values positive (|x|; for Log, Sqrt, Pow's base) */
  readonly positive?: boolean;
}

/** Builds a one-node model of `opType` and checks the gradients of its float inputs. */
export async function checkOpGradient(
  opType: string,
  inputs: readonly GradInput[],
  attrs: Readonly<Record<string, AttrValue>> = {},
  options: GradCheckOptions & { readonly opset?: number; readonly outputs?: number; readonly tol?: GradTolerance; readonly outputIndex?: number } = {},
): Promise<TensorGradCheck[]> {
  const b = new ModelBuilder({ opset: options.opset ?? 17 });
  const feeds: Record<string, RunTensor> = {};
  const wrt: string[] = [];
  const names = inputs.map((inp, i) => {
    if (inp.omitted) return '';
    const dtype = inp.dtype ?? 'float32';
    // Fixed values are initializers: shape inference folds them (Reshape's shape, axes).
    if (inp.value) return b.constant(`c${i}`, dtype, inp.shape, inp.value);
    const name = b.input(`x${i}`, dtype, inp.shape);
    let t = randomTensor(dtype, inp.shape, (options.seed ?? 3) + 17 * i);
    if (inp.awayFromZero && t.data instanceof Float32Array) {
      const m = inp.awayFromZero;
      t = { ...t, data: t.data.map((v) => (v >= 0 ? v + m : v - m)) };
    }
    if (inp.positive && t.data instanceof Float32Array) t = { ...t, data: t.data.map(Math.abs) };
    feeds[name] = t;
    if (inp.check ?? dtype === 'float32') wrt.push(name);
    return name;
  });
  const outs = b.nodeN(opType, names, options.outputs ?? 1, attrs, 'op');
  const out = outs[options.outputIndex ?? 0]!;
  b.output(out);
  const model = b.build();
  for (const o of model.graph.output) o.type = { tensorType: null };
  return gradCheck(model, feeds, wrt, options.tol ?? FD_TOLERANCE, { ...options, output: out });
}

/** checkOpGradient, asserting that every checked tensor is within tolerance. */
export async function expectGradient(...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

/** A readable summary for assertion messages. */
export function describeChecks(checks: readonly TensorGradCheck[]): string {
  return checks.map((c) => `${c.tensor}: ${c.checked} coords (${c.passed} pass, ${c.kinked} at kinks), max |err| ${c.maxAbsError.toExponential(2)}, worst ratio ${c.worstRatio.toFixed(2)} at ${c.worst.index} (analytic ${c.worst.analytic.toFixed(5)}, numeric ${c.worst.numeric.toFixed(5)})`).join('\n');
}

/**
 * Every checked tensor within tolerance, and at most half of the points at kinks. `minPass`
 * < 1 accepts a share of outliers: in deep ReLU nets in float32, a perturbation of an early
 * weight moves thousands of activations, and some cross a kink on both sides of the point.
 */
export function gradChecksPass(checks: readonly TensorGradCheck[], minPass = 1): boolean {
  return checks.length > 0 && checks.every((c) => c.kinked <= c.checked / 2 && (minPass >= 1 ? c.worstRatio <= 1 : c.passed >= minPass * (c.checked - c.kinked)));
}
