import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildGradientModel } from '../../src/autodiff/backward.js';
import { liftInitializers } from '../../src/autodiff/lift.js';
import { buildModel } from '../../src/models/catalogue.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { NCHWC_DOMAIN, probeNchwcBlock } from '../../src/passes/nchwc.js';
import { optimiseForOrt } from '../../src/passes/optimise.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { randomTensor } from '../../test-support/random-tensor.js';
import { assertCloseToScale } from '../../test-support/passes/rewrite-checks.js';

async function outputs(m: ModelProto, feeds: Record<string, RunTensor>): Promise<Record<string, Float32Array>> {
  const s = await Session.fromModel(m, { threads: 1 });
  const out = await s.run(feeds);
  await s.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

/** Every output of the optimised model equals the plain one's on the same random feeds. */
async function sameOutputs(plain: ModelProto, optimised: ModelProto, feeds: Record<string, RunTensor>, rtol: number): Promise<void> {
  const [a, b] = [await outputs(plain, feeds), await outputs(optimised, feeds)];
  assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
  for (const [k, v] of Object.entries(a)) assertCloseToScale(b[k]!, v, rtol);
}

describe('optimiseForOrt', () => {
  it('fed weights (a training step\'s gradients at batch 16): GEMMs, flipped Convs and NCHWc where this CPU has it, same outputs as the plain graph', async () => {
    const model = buildModel('small-vgg', { seed: 3, width: 0.5 });
    const names = model.graph.initializer.filter((t) => t.name.endsWith('.weight') && t.dims.length === 4).map((t) => t.name);
    const { model: lifted, lifted: weights } = liftInitializers(model, names);
    const g = buildGradientModel(lifted, { of: 'logits', wrt: names, binding: { batch: 16 } });
    const forwardConvs = new Set(lifted.graph.node.filter((n) => n.opType === 'Conv').map((n) => n.name));
    const block = await probeNchwcBlock();
    const feeds: Record<string, RunTensor> = { input: randomTensor('float32', [16, 1, 28, 28], 5) };
    for (const t of weights) feeds[t.name] = { dtype: 'float32', dims: t.dims.map(Number), data: Float32Array.from(tensorValue(t).data) };
    for (const nchwcBlock of [undefined, block]) {
      const fast = optimiseForOrt(g.model, g.shapes, { weights: 'fed', forwardConvs, nchwcBlock });
      const ops = fast.graph.node.map((n) => n.opType);
      assert.ok(ops.includes('Gather') && !ops.includes('ConvTranspose'), 'dW GEMMs over gathered patches; no stride-1 ConvTranspose left');
      assert.equal(fast.graph.node.some((n) => n.domain === NCHWC_DOMAIN), nchwcBlock !== undefined);
      await sameOutputs(g.model, fast, feeds, 1e-4);
    }
  });

  it('constant weights (Grad-CAM\'s backward graph of a residual BN net): stride-1 input gradients as flipped Convs, stride-2 ones as phases; same outputs', async () => {
    const model = buildModel('resnet18', { seed: 2, width: 0.25, inputSize: 32, numClasses: 10, batchNorm: 'seeded' });
    const g = buildGradientModel(model, { of: 'logits', wrt: ['layer1.1.relu2', 'layer3.1.relu2'], binding: { batch: 2 } });
    const fast = optimiseForOrt(g.model, g.shapes, { weights: 'constant' });
    const strided = (m: ModelProto) => m.graph.node.filter((n) => n.opType === 'ConvTranspose' && n.attribute.some((a) => a.name === 'strides' && (a.ints ?? []).some((s) => Number(s) > 1))).length;
    assert.ok(strided(g.model) > 0 && strided(fast) === 0 && fast.graph.node.some((n) => n.opType === 'DepthToSpace'), 'stride-2 ConvTransposes became phases');
    assert.ok(!fast.graph.node.some((n) => n.opType === 'ConvTranspose'), 'and the stride-1 ones flipped Convs');
    await sameOutputs(g.model, fast, { input: randomTensor('float32', [2, 3, 32, 32], 6) }, 1e-4);
  });
});
