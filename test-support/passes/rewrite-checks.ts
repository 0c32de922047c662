import assert from 'node:assert/strict';
import { inferShapes, type ShapeBinding } from '../../src/analysis/infer.js';
import { graphFromModel } from '../../src/graph/graph.js';
import type { ModelProto } from '../../src/onnx/types.js';
import type { ShapedModel } from '../../src/passes/shaped-model.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';

/** Runs `m` on one thread and returns its first output's values. */
export async function firstOutput(m: ModelProto, feeds: Record<string, RunTensor>): Promise<Float32Array> {
  const s = await Session.fromModel(m, { threads: 1 });
  const out = await s.run(feeds);
  await s.release();
  return Object.values(out)[0]?.data as Float32Array;
}

/** Every value of `a` within `rtol` of `b`'s largest magnitude (a rewritten graph against the original). */
export function assertCloseToScale(a: Float32Array, b: Float32Array, rtol: number): void {
  assert.equal(a.length, b.length);
  const scale = Math.max(...Array.from(b, Math.abs));
  assert.ok(scale > 0, 'the reference is all zero: the comparison would prove nothing');
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= rtol * scale, `at ${i}: ${v} vs ${b[i]}`));
}

/** A model with its inferred shapes, as the passes take it. */
export function shaped(model: ModelProto, binding: ShapeBinding = {}): ShapedModel {
  return { model, shapes: inferShapes(graphFromModel(model), binding).tensors };
}

/** Op types of a model's nodes, in order. */
export function opTypes(model: ModelProto): string[] {
  return model.graph.node.map((n) => n.opType);
}
