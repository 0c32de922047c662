import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emitReduce } from '../../src/autodiff/emit-ops.js';
import { nodeEmitter } from '../../src/autodiff/emitter.js';
import { type AttrValue, ModelBuilder, valueInfo } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { withoutDeadNodes } from '../../src/passes/dead-nodes.js';
import { spatialSumsThroughConvs } from '../../src/passes/spatial-sum.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { assertCloseToScale, opTypes, shaped } from '../../test-support/passes/rewrite-checks.js';
import { randomTensor } from '../../test-support/random-tensor.js';

const RTOL = 1e-4;
const close = (a: Float32Array, b: Float32Array): void => assertCloseToScale(a, b, RTOL);

interface Layer { readonly op: 'Conv' | 'ConvTranspose'; readonly w: readonly number[]; readonly attrs: Readonly<Record<string, AttrValue>>; readonly bias?: boolean }

/** x -> one or more convolutions of x, summed (through an Identity) into y. */
function model(xShape: readonly number[], layers: readonly Layer[]): ModelProto {
  const b = new ModelBuilder({ seed: 3, opset: 17 });
  const x = b.input('x', 'float32', xShape);
  const outs = layers.map((l, i) => {
    const bias = l.bias ? [b.param(`b${i}`, [(l.op === 'Conv' ? l.w[0] : l.w[1])!], { kind: 'normal', std: 0.5 })] : [];
    return b.node(l.op, [x, b.param(`w${i}`, l.w), ...bias], l.attrs, `conv${i}`);
  });
  const y = outs.length === 1 ? outs[0]! : b.node('Identity', [b.node('Sum', outs, {}, 'sum')], {}, 'y');
  b.output(y);
  return b.build();
}

/** The spatial sums of the model's output: a ReduceSum of it rewritten by the pass (pruned), and summed in JS from the computed output. */
async function sums(m: ModelProto, xShape: readonly number[]): Promise<{ fast: Float32Array; reference: Float32Array; ops: string[] }> {
  const y = m.graph.output[0]!.name;
  const yShape = shaped(m).shapes.get(y)?.shape ?? [];
  const e = nodeEmitter(m);
  const sum = emitReduce(e, 17, 'ReduceSum', y, yShape.slice(2).map((_, i) => i + 2), false, 'spatial_sum');
  const plain = e.appendTo(m, { outputs: [valueInfo(sum, 'float32', yShape.slice(0, 2))] });
  const fastModel = withoutDeadNodes(spatialSumsThroughConvs(shaped(plain))).model;
  const x: RunTensor = randomTensor('float32', xShape, 11);
  const run = async (mm: ModelProto) => {
    const s = await Session.fromModel(mm, { threads: 1 });
    const out = await s.run({ x });
    await s.release();
    return out;
  };
  const full = (await run(m))[y]!;
  const [n, c] = full.dims as [number, number];
  const per = (full.data as Float32Array).length / (n * c);
  const reference = new Float32Array(n * c);
  for (let i = 0; i < n * c; i++) for (let p = 0; p < per; p++) reference[i] = reference[i]! + (full.data as Float32Array)[i * per + p]!;
  const fast = Object.values(await run(fastModel))[0]?.data as Float32Array;
  return { fast, reference, ops: opTypes(fastModel) };
}

describe('spatialSumsThroughConvs', () => {
  it('Conv with strides, asymmetric pads, dilations and a bias: the sum without running the Conv', async () => {
    const r = await sums(model([2, 3, 9, 11], [{ op: 'Conv', w: [5, 3, 3, 3], attrs: { strides: [2, 2], pads: [1, 0, 2, 1], dilations: [1, 2] }, bias: true }]), [2, 3, 9, 11]);
    close(r.fast, r.reference);
    assert.ok(!r.ops.includes('Conv'), r.ops.join(','));
  });

  it('Conv with auto_pad SAME_UPPER and a non-square kernel; a 1-D Conv', async () => {
    const same = await sums(model([2, 3, 8, 7], [{ op: 'Conv', w: [4, 3, 3, 2], attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER' } }]), [2, 3, 8, 7]);
    close(same.fast, same.reference);
    assert.ok(!same.ops.includes('Conv'));
    const oneD = await sums(model([3, 2, 17], [{ op: 'Conv', w: [3, 2, 4], attrs: { strides: [3], dilations: [2], pads: [2, 1] } }]), [3, 2, 17]);
    close(oneD.fast, oneD.reference);
  });

  it('ConvTranspose (stride 2, pads, output_padding, bias) summed with a Conv through Sum and Identity', async () => {
    const layers: Layer[] = [
      { op: 'ConvTranspose', w: [4, 3, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 0] }, bias: true },
      // [2, 4, 5, 6] -> [2, 3, 10, 11] as well: a 2x1 kernel, pads that shape it.
      { op: 'Conv', w: [3, 4, 2, 1], attrs: { pads: [3, 2, 3, 3] } },
    ];
    const r = await sums(model([2, 4, 5, 6], layers), [2, 4, 5, 6]);
    close(r.fast, r.reference);
    assert.ok(!r.ops.includes('Conv') && !r.ops.includes('ConvTranspose'), r.ops.join(','));
  });

  it('a grouped Conv is reduced as it is (same sums, the Conv runs)', async () => {
    const r = await sums(model([2, 4, 6, 6], [{ op: 'Conv', w: [6, 2, 3, 3], attrs: { group: 2, pads: [1, 1, 1, 1] } }]), [2, 4, 6, 6]);
    close(r.fast, r.reference);
    assert.ok(r.ops.includes('Conv') && r.ops.includes('ReduceSum'));
  });
});
