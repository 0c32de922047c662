import assert from 'node:assert/strict';
import { buildGradientModel, type GradientModel } from '../../src/autodiff/backward.js';
import { type AttrValue, ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { optimiseForOrt } from '../../src/passes/optimise.js';
import type { RunTensor } from '../../src/runtime/session.js';
import { randomTensor } from '../random-tensor.js';
import { assertCloseToScale, firstOutput } from './rewrite-checks.js';

/** x -> Conv(x, w[, b]) -> Relu, with the weights as graph inputs as in a training step. */
export function convModel(x: readonly number[], w: readonly number[], attrs: Readonly<Record<string, AttrValue>>, bias: boolean): ModelProto {
  const b = new ModelBuilder({ opset: 17 });
  const inputs = [b.input('x', 'float32', x), b.input('w', 'float32', w)];
  if (bias) inputs.push(b.input('b', 'float32', [w[0]!]));
  b.output(b.node('Relu', [b.node('Conv', inputs, attrs, 'conv')], {}, 'relu'));
  return b.build();
}

/** Autodiff's gradient model as a training step runs it: the ORT passes applied, weights fed, no forward Conv rewritten. */
export function asTrainingRuns(g: GradientModel): ModelProto {
  return optimiseForOrt(g.model, g.shapes, { weights: 'fed', forwardConvs: new Set() });
}

/**
 * A Conv's gradient w.r.t. `wrt` with dY fed as `dy`: the plain model (autodiff's rules) and the
 * one the ORT passes make of it, with random feeds for both. The forward Conv is dropped from
 * both (nothing reads it), so only the gradient runs.
 */
export function convGradientPair(x: readonly number[], w: readonly number[], attrs: Readonly<Record<string, AttrValue>>, wrt: 'x' | 'w'): { plain: ModelProto; optimised: ModelProto; feeds: Record<string, RunTensor> } {
  const b = new ModelBuilder({ opset: 17 });
  b.output(b.node('Conv', [b.input('x', 'float32', x), b.input('w', 'float32', w)], attrs, 'conv'));
  const g = buildGradientModel(b.build(), { seeds: [{ tensor: 'conv', grad: 'dy' }], wrt: [wrt], outputs: [] });
  const gradientOnly = (m: ModelProto): ModelProto => ({ ...m, graph: { ...m.graph, node: m.graph.node.filter((n) => n.output[0] !== 'conv') } });
  const y = g.shapes.get('conv')?.shape ?? [];
  const feeds = { x: randomTensor('float32', x, 1), w: randomTensor('float32', w, 2), dy: randomTensor('float32', y, 3) };
  return { plain: gradientOnly(g.model), optimised: gradientOnly(asTrainingRuns(g)), feeds };
}

/** Op types of the nodes emitted for the Conv named `conv`'s gradient (rules and passes alike name them `conv/grad/...`). */
export function gradientOpTypes(m: ModelProto): string[] {
  return m.graph.node.filter((n) => n.name.startsWith('conv/grad/')).map((n) => n.opType);
}

/**
 * The ORT passes' form of a Conv's gradient w.r.t. `wrt` equals the plain rules' (dX: the
 * adjoint ConvTranspose; dW: per-sample im2col) on random inputs; returns its op types.
 */
export async function optimisedLikePlain(x: readonly number[], w: readonly number[], attrs: Readonly<Record<string, AttrValue>>, wrt: 'x' | 'w'): Promise<string[]> {
  const { plain, optimised, feeds } = convGradientPair(x, w, attrs, wrt);
  if (wrt === 'x') assert.ok(gradientOpTypes(plain).includes('ConvTranspose'), 'the plain rule emits the adjoint ConvTranspose');
  assertCloseToScale(await firstOutput(optimised, feeds), await firstOutput(plain, feeds), 1e-5);
  return gradientOpTypes(optimised);
}
