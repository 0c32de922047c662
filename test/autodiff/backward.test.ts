import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildGradientModel } from '../../src/autodiff/backward.js';
import { BadRequestError, UnsupportedOpError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { Session } from '../../src/runtime/session.js';
import { describeChecks, FD_MODEL_TOLERANCE, gradCheck, gradChecksPass } from '../../test-support/autodiff/grad-check.js';
import { randomTensor } from '../../test-support/random-tensor.js';

/** x -> Conv a -> Relu -+-> Conv b -> Add -> y, with the Relu output read twice (fan-out). */
function fanOutModel() {
  const b = new ModelBuilder({ seed: 5 });
  const x = b.input('x', 'float32', [2, 3, 6, 6]);
  const wa = b.param('wa', [4, 3, 3, 3]);
  const wb = b.param('wb', [4, 4, 3, 3]);
  const h = b.node('Relu', [b.node('Conv', [x, wa], { pads: [1, 1, 1, 1] }, 'conv_a')], {}, 'relu');
  const y = b.node('Add', [b.node('Conv', [h, wb], { pads: [1, 1, 1, 1] }, 'conv_b'), h], {}, 'sum');
  b.output(y, 'float32', [2, 4, 6, 6]);
  return { model: b.build(), x, h, y };
}

describe('buildGradientModel', () => {
  it('fan-out: contributions of both consumers are summed (checked by finite differences)', async () => {
    const { model, x } = fanOutModel();
    const checks = await gradCheck(model, { x: randomTensor('float32', [2, 3, 6, 6], 1) }, [x, 'wa', 'wb'], FD_MODEL_TOLERANCE, { eps: 4e-3 });
    assert.ok(gradChecksPass(checks), describeChecks(checks));
  });

  it('scalar objective: `of` seeds 1, and the result also returns the forward outputs', async () => {
    const { model, h } = fanOutModel();
    const r = buildGradientModel(model, { of: 'sum', wrt: [h] });
    assert.deepEqual(r.model.graph.output.map((o) => o.name), ['sum', 'relu_grad']);
    const s = await Session.fromModel(r.model);
    const out = await s.run({ x: randomTensor('float32', [2, 3, 6, 6], 2) });
    await s.release();
    // d(sum y)/dh = 1 (the skip) + conv_b's transposed weights applied to ones: finite and not all 1.
    const g = out['relu_grad']?.data as Float32Array;
    assert.equal(g.length, 2 * 4 * 6 * 6);
    assert.ok(g.some((v) => Math.abs(v - 1) > 1e-3));
  });

  it('only nodes on a path to the target get rules: the gradient w.r.t. a late tensor skips early convs', () => {
    const { model, h } = fanOutModel();
    const r = buildGradientModel(model, { of: 'sum', wrt: [h] });
    assert.equal(r.activeNodes, 2); // Add and conv_b; conv_a and relu are before h
    assert.ok(!r.model.graph.node.some((n) => n.name.startsWith('conv_a/grad')));
  });

  it('bad names and unreachable targets are BadRequestErrors naming the tensor', () => {
    const { model } = fanOutModel();
    assert.throws(() => buildGradientModel(model, { of: 'sum', wrt: ['wa_'] }), (e: unknown) => e instanceof BadRequestError && /"wa_".*did you mean "wa"/.test(e.message));
    assert.throws(() => buildGradientModel(model, { of: 'nothing', wrt: ['wa'] }), BadRequestError);
    assert.throws(() => buildGradientModel(model, { of: 'conv_a', wrt: ['wb'] }), (e: unknown) => e instanceof BadRequestError && /does not depend on "wb"/.test(e.message));
    assert.throws(() => buildGradientModel(model, { of: 'sum', wrt: [] }), BadRequestError);
  });

  it('an op without a gradient rule fails naming op, node and opset', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [1, 2]);
    const [y] = b.nodeN('Mystery', [x], 1, {}, 'odd', 'com.example');
    b.output(b.node('Relu', [y!], {}, 'act'));
    const model = b.build();
    model.opsetImport.push({ domain: 'com.example', version: 1 });
    assert.throws(() => buildGradientModel(model, { of: 'act', wrt: [x] }), (e: unknown) => e instanceof UnsupportedOpError && /com\.example\.Mystery|Mystery/.test(e.message) && /"odd"/.test(e.message));
  });
});
