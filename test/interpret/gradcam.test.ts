import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { GradCam } from '../../src/interpret/gradcam-run.js';
import { readModel } from '../../src/onnx/model-file.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadMnist } from '../../src/data/datasets.js';
import { referenceCam } from '../../test-support/interpret/reference-cam.js';
import { randomTensor } from '../../test-support/random-tensor.js';

/** input [N,2,8,8] -> conv a (4) -> relu -> conv b (6, stride 2) -> relu -> GAP -> flatten -> fc (5 classes). */
function smallNet(batch: number | string = 'N') {
  const b = new ModelBuilder({ seed: 12 });
  const x = b.input('input', 'float32', [batch, 2, 8, 8]);
  const a = b.node('Relu', [b.node('Conv', [x, b.param('wa', [4, 2, 3, 3]), b.param('ba', [4], { kind: 'normal', std: 0.1 })], { pads: [1, 1, 1, 1] }, 'conv_a')], {}, 'act_a');
  const c = b.node('Relu', [b.node('Conv', [a, b.param('wb', [6, 4, 3, 3])], { pads: [1, 1, 1, 1], strides: [2, 2] }, 'conv_b')], {}, 'act_b');
  const f = b.node('Flatten', [b.node('GlobalAveragePool', [c], {}, 'gap')], { axis: 1 }, 'flat');
  b.output(b.node('Gemm', [f, b.param('wf', [5, 6]), b.param('bf', [5], { kind: 'normal', std: 0.1 })], { transB: 1 }, 'logits'), 'float32', [batch, 5]);
  return b.build();
}


function close(a: Float32Array, b: Float32Array, tol = 1e-4): void {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol * (1 + Math.abs(v)), `at ${i}: ${v} vs ${b[i]}`));
}

describe('Grad-CAM', () => {
  it('equals ReLU(sum_k mean(dy_c/dA_k) A_k) computed from a plain gradient, for the predicted class', async () => {
    const x = randomTensor('float32', [3, 2, 8, 8], 4);
    const cam = await GradCam.create(smallNet(), { layers: ['act_a', 'act_b'], batch: 3 });
    const r = await cam.run(x.data as Float32Array);
    await cam.release();
    for (let i = 0; i < 3; i++) {
      const row = Array.from(r.logits.subarray(i * 5, i * 5 + 5));
      assert.equal(r.classes[i], row.indexOf(Math.max(...row)));
      assert.ok(Math.abs(r.scores[i]! - Math.max(...row)) < 1e-5);
    }
    close(r.maps[0]!.values, await referenceCam(smallNet(), x, 'act_a', [...r.classes], 5));
    close(r.maps[1]!.values, await referenceCam(smallNet(), x, 'act_b', [...r.classes], 5));
    assert.deepEqual(r.maps.map((m) => m.spatial), [[8, 8], [4, 4]]);
  });

  it('a given class; samples do not mix: a batch of 2 gives each sample its batch-1 map', async () => {
    const x = randomTensor('float32', [2, 2, 8, 8], 5);
    const two = await GradCam.create(smallNet(), { layers: ['act_b'], batch: 2, target: 'given' });
    const r2 = await two.run(x.data as Float32Array, [3, 1]);
    await two.release();
    assert.deepEqual(r2.classes, [3, 1]);
    close(r2.maps[0]!.values, await referenceCam(smallNet(), x, 'act_b', [3, 1], 5));
    const one = await GradCam.create(smallNet(), { layers: ['act_b'], batch: 1, target: 'given' });
    const r1 = await one.run((x.data as Float32Array).slice(64 * 2), [1]);
    await one.release();
    close(r1.maps[0]!.values, r2.maps[0]!.values.slice(16));
  });

  it('bad input: unknown layer, a layer without a map, a class out of range, a wrong input size', async () => {
    await assert.rejects(GradCam.create(smallNet(), { layers: ['act_c'], batch: 1 }), (e: unknown) => e instanceof BadRequestError && /"act_c".*did you mean "act_[ab]"/.test(e.message));
    await assert.rejects(GradCam.create(smallNet(), { layers: ['flat'], batch: 1 }), /Grad-CAM needs a map/);
    await assert.rejects(GradCam.create(smallNet(), { layers: ['logits'], batch: 1, logits: 'act_b' }), BadRequestError);
    const cam = await GradCam.create(smallNet(), { layers: ['act_b'], batch: 1, target: 'given' });
    await assert.rejects(cam.run(new Float32Array(128), [7]), /class 7 is out of range/);
    await assert.rejects(cam.run(new Float32Array(100), [0]), /input holds 100 values/);
    await cam.release();
  });

  it('on the shipped LeNet, real digits are explained as their true class with non-negative, non-empty maps', async () => {
    const ds = loadMnist('test', { limit: 8 });
    const cam = await GradCam.create(readModel('models/lenet-mnist.onnx'), { layers: ['relu2'], batch: 8 });
    const batch = makeBatch(ds, [0, 1, 2, 3, 4, 5, 6, 7]);
    const r = await cam.run(batch.x);
    await cam.release();
    assert.deepEqual(r.classes, Array.from(batch.labels));
    const maps = r.maps[0]!.values;
    for (let i = 0; i < 8; i++) {
      const m = maps.subarray(i * 100, (i + 1) * 100);
      assert.ok(m.every((v) => v >= 0) && m.some((v) => v > 0), `sample ${i}`);
    }
  });
});
