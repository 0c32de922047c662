import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AttrValue, ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { convTransposesAsPhases } from '../../src/passes/conv-transpose-phases.js';
import { withoutDeadNodes } from '../../src/passes/dead-nodes.js';
import { assertCloseToScale, firstOutput, opTypes, shaped } from '../../test-support/passes/rewrite-checks.js';
import { randomTensor } from '../../test-support/random-tensor.js';

const RTOL = 1e-4;
const run = firstOutput;
const close = (a: Float32Array, b: Float32Array): void => assertCloseToScale(a, b, RTOL);

interface Layer { readonly w: readonly number[]; readonly attrs: Readonly<Record<string, AttrValue>>; readonly bias?: boolean; readonly weightInput?: boolean }

/** x -> ConvTranspose per layer, summed when there are several. */
function model(xShape: readonly number[], layers: readonly Layer[]): ModelProto {
  const b = new ModelBuilder({ seed: 4, opset: 17 });
  const x = b.input('x', 'float32', xShape);
  const outs = layers.map((l, i) => {
    const w = l.weightInput ? b.input(`w${i}`, 'float32', l.w) : b.param(`w${i}`, l.w);
    const bias = l.bias ? [b.param(`b${i}`, [l.w[1]!], { kind: 'normal', std: 0.5 })] : [];
    return b.node('ConvTranspose', [x, w, ...bias], l.attrs, `convt${i}`);
  });
  b.output(outs.length === 1 ? outs[0]! : b.node('Sum', outs, {}, 'y'));
  return b.build();
}

async function check(m: ModelProto, xShape: readonly number[]): Promise<ModelProto> {
  const rewritten = withoutDeadNodes(convTransposesAsPhases(shaped(m))).model;
  const x = randomTensor('float32', xShape, 13);
  close(await run(rewritten, { x }), await run(m, { x }));
  return rewritten;
}

const ops = opTypes;

describe('convTransposesAsPhases', () => {
  it('a stride-2 3x3 ConvTranspose (pads, output_padding, bias) as 4 phase Convs and a DepthToSpace, same output', async () => {
    const r = await check(model([2, 5, 4, 6], [{ w: [5, 3, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, bias: true }]), [2, 5, 4, 6]);
    assert.ok(!ops(r).includes('ConvTranspose') && ops(r).filter((o) => o === 'Conv').length === 4 && ops(r).includes('DepthToSpace'), ops(r).join(','));
  });

  it('stride 3 with a 5x5 kernel', async () => {
    const r = await check(model([1, 4, 3, 5], [{ w: [4, 2, 5, 5], attrs: { strides: [3, 3], pads: [2, 2, 1, 1], output_padding: [1, 1] } }]), [1, 4, 3, 5]);
    assert.ok(!ops(r).includes('ConvTranspose'), ops(r).join(','));
  });

  it('a residual Sum of a 3x3 and a 1x1 stride-2 ConvTranspose: one set of phases, the 1x1 joining the first', async () => {
    const layers: Layer[] = [
      { w: [6, 4, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, bias: true },
      { w: [6, 4, 1, 1], attrs: { strides: [2, 2], output_padding: [1, 1] } },
    ];
    const r = await check(model([2, 6, 5, 5], layers), [2, 6, 5, 5]);
    assert.ok(!ops(r).includes('ConvTranspose') && ops(r).filter((o) => o === 'Conv').length === 5 && ops(r).filter((o) => o === 'DepthToSpace').length === 1, ops(r).join(','));
  });

  it('a Sum whose 1x1 member has a bias (absent from 3 of its phases): the 3x3 alone is rewritten', async () => {
    const biased = model([1, 4, 3, 3], [
      { w: [4, 2, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } },
      { w: [4, 2, 1, 1], attrs: { strides: [2, 2], output_padding: [1, 1] }, bias: true },
    ]);
    const r = await check(biased, [1, 4, 3, 3]);
    assert.equal(ops(r).filter((o) => o === 'ConvTranspose').length, 1);
  });

  it('leaves a lone 1x1 stride-2 ConvTranspose (phases without taps) and one with a weight fed at run time', () => {
    const lone = shaped(model([1, 4, 3, 3], [{ w: [4, 2, 1, 1], attrs: { strides: [2, 2], output_padding: [1, 1] } }]));
    assert.equal(convTransposesAsPhases(lone), lone);
    const fed = shaped(model([1, 4, 3, 3], [{ w: [4, 2, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, weightInput: true }]));
    assert.equal(convTransposesAsPhases(fed), fed);
  });
});
