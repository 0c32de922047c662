import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { inferShapes } from '../../src/analysis/infer.js';
import { cutModel } from '../../src/cut/extract.js';
import { insertExits } from '../../src/exits/insert.js';
import { buildGradientModel } from '../../src/autodiff/backward.js';
import { EMIT_MIN_OPSET, raiseOpset } from '../../src/autodiff/opset-upgrade.js';
import { UnsupportedOpError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { GradCam } from '../../src/interpret/gradcam-run.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { onnxOpset, opsetProblems } from '../../src/ops/opset-check.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { LR_INPUT } from '../../src/train/optimizers.js';
import { buildTrainStep } from '../../src/train/train-step.js';
import { FD_MODEL_TOLERANCE, gradCheck } from '../../test-support/autodiff/grad-check.js';
import { referenceCam } from '../../test-support/interpret/reference-cam.js';
import { EXPORT_OPSETS, oldExport } from '../../test-support/opsets/old-exports.js';
import { randomTensor } from '../../test-support/random-tensor.js';
import { loadFixture } from '../../test-support/fixtures.js';

/** Problems of every node of a model at its opset, dtypes from cleave's shape inference. */
function problems(model: ModelProto, batch = 2): string[] {
  const tensors = inferShapes(graphFromModel(model), { batch }).tensors;
  return opsetProblems(model, { dtypeOf: (t) => tensors.get(t)?.dtype }).map((p) => p.message);
}

async function run(model: ModelProto, feeds: Record<string, RunTensor>): Promise<Record<string, RunTensor>> {
  const s = await Session.fromModel(model, { optimization: 'disabled' });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(a[i]!)), `${what} at ${i}: ${a[i]} vs ${b[i]}`);
}

describe('old exports: gradients, Grad-CAM and training at opsets 7 to 17', () => {
  const x = randomTensor('float32', [2, 1, 8, 8], 3);

  for (const opset of EXPORT_OPSETS) {
    it(`opset ${opset}: the export is valid at its opset; raised, it computes the same; its gradients match finite differences`, async () => {
      const model = oldExport(opset);
      assert.deepEqual(problems(model), []);
      const raised = raiseOpset(model, EMIT_MIN_OPSET, { batch: 2 });
      assert.equal(onnxOpset(raised), Math.max(opset, EMIT_MIN_OPSET));
      assert.deepEqual(problems(raised), []);
      if (opset < EMIT_MIN_OPSET) close((await run(raised, { input: x })).logits?.data as Float32Array, (await run(model, { input: x })).logits?.data as Float32Array, 1e-6, 'raised logits');
      const grad = buildGradientModel(model, { of: 'logits', wrt: ['conv1.weight', 'bn.scale', 'fc.weight', 'input'], binding: { batch: 2 } });
      assert.deepEqual(problems(grad.model), []);
      const checks = await gradCheck(model, { input: x }, ['conv1.weight', 'bn.scale', 'conv2.weight', 'fc.weight', 'input'], FD_MODEL_TOLERANCE, { binding: { batch: 2 }, samples: 12, steps: [1e-2, 3e-3, 1e-3] });
      for (const c of checks) assert.ok(c.passed + c.kinked === c.checked && c.passed > 0, `${c.tensor}: ${c.passed}/${c.checked} (kinked ${c.kinked}), worst ${JSON.stringify(c.worst)}`);
    });

    it(`opset ${opset}: Grad-CAM loads, runs and equals the map from a plain gradient`, async () => {
      const cam = await GradCam.create(oldExport(opset), { layers: ['act'], batch: 2 });
      assert.deepEqual(problems(cam.spec.model), []);
      const r = await cam.run(x.data as Float32Array);
      await cam.release();
      close(r.maps[0]!.values, await referenceCam(oldExport(opset), x, 'act', [...r.classes], 5), 1e-4, 'cam');
    });

    it(`opset ${opset}: a training step loads and runs; its SGD update is -lr times the finite-difference gradient of the loss`, async () => {
      const step = buildTrainStep(oldExport(opset), { batch: 2, optimizer: { kind: 'sgd', lr: 1 }, batchNorm: 'frozen', trainable: ['fc.weight', 'conv2.weight'] });
      assert.deepEqual(problems(step.model).filter((p) => !p.includes('com.')), []);
      const labels: RunTensor = { dtype: 'float32', dims: [2, 5], data: Float32Array.from([0, 0, 1, 0, 0, 0, 1, 0, 0, 0]) };
      const weights = Object.fromEntries(step.params.map((p) => [p.name, randomTensor('float32', p.dims, 9 + p.dims.length)]));
      const session = await Session.fromModel(step.model, { optimization: 'disabled' });
      const feeds = (lr: number, w: Record<string, RunTensor>) => ({ [step.input]: x, [step.labels]: labels, ...w, [LR_INPUT]: { dtype: 'float32' as const, dims: [], data: Float32Array.from([lr]) } });
      try {
        const out = await session.run(feeds(1, weights));
        for (const p of step.params) {
          const w = weights[p.name]?.data as Float32Array;
          const updated = out[p.output]?.data as Float32Array;
          for (const i of [0, 5, w.length - 1]) {
            const h = 1e-2;
            const loss = async (v: number) => {
              const changed = Float32Array.from(w);
              changed[i] = v;
              return ((await session.run(feeds(0, { ...weights, [p.name]: { ...weights[p.name]!, data: changed } })))[step.loss]?.data as Float32Array)[0]!;
            };
            const numeric = ((await loss(w[i]! + h)) - (await loss(w[i]! - h))) / (2 * h);
            const analytic = w[i]! - updated[i]!;
            assert.ok(Math.abs(analytic - numeric) <= 5e-3 + 5e-2 * Math.abs(numeric), `${p.name}[${i}]: update ${analytic}, finite differences ${numeric}`);
          }
        }
      } finally {
        await session.release();
      }
    });
  }

  it('exit branches and cut halves of the exports are valid ONNX at each opset', () => {
    for (const opset of EXPORT_OPSETS) {
      for (const branch of ['bn-gap', 'conv'] as const) assert.deepEqual(problems(insertExits(oldExport(opset), { at: ['act'] }, { branch }).model), [], `opset ${opset}, ${branch} exit`);
      const analysis = analyze(graphFromModel(oldExport(opset)), { batch: 2 });
      for (const at of ['clip', 'crop', 'act']) {
        const parts = cutModel(analysis, [at]);
        assert.deepEqual([...problems(parts.head), ...problems(parts.tail)], [], `opset ${opset}, cut at ${at}`);
      }
    }
  });

  it('squeezenet1_1 as torch.onnx wrote it at opset 9: the Grad-CAM graph is valid, loads in ORT and explains the top class', async () => {
    const model = loadFixture('torch/squeezenet1_1-opset9.onnx');
    const layer = '/classifier/classifier.2/Relu_output_0';
    const cam = await GradCam.create(model, { layers: [layer], batch: 1 });
    assert.equal(onnxOpset(cam.spec.model), EMIT_MIN_OPSET);
    const r = await cam.run(randomTensor('float32', [1, 3, 224, 224], 5).data as Float32Array);
    await cam.release();
    const logits = Array.from(r.logits);
    assert.equal(r.classes[0], logits.indexOf(Math.max(...logits)));
    const map = r.maps[0]!.values;
    assert.ok(map.every((v) => Number.isFinite(v) && v >= 0) && map.some((v) => v > 0));
  });

  it('a model below opset 7, or with an op whose meaning changed and no conversion, is refused by name', () => {
    const b = new ModelBuilder({ opset: 6 });
    b.output(b.node('Relu', [b.input('x', 'float32', [1, 4])], {}, 'r'));
    assert.throws(() => raiseOpset(b.build(), EMIT_MIN_OPSET), (e: unknown) => e instanceof UnsupportedOpError && /opset 6/.test(e.message));
    const c = new ModelBuilder({ opset: 9 });
    c.output(c.node('Shrink', [c.input('x', 'float32', [4])], {}, 's'));
    const raised = raiseOpset(c.build(), EMIT_MIN_OPSET);
    assert.equal(onnxOpset(raised), EMIT_MIN_OPSET);
    const d = new ModelBuilder({ opset: 10 });
    d.output(d.node('MaxUnpool', [d.input('x', 'float32', [1, 1, 2, 2]), d.input('i', 'int64', [1, 1, 2, 2])], { kernel_shape: [2, 2] }, 'unpool'));
    assert.throws(() => raiseOpset(d.build(), EMIT_MIN_OPSET), (e: unknown) => e instanceof UnsupportedOpError && /MaxUnpool \(node "unpool", opset 10\) has no conversion to opset 11 in cleave \(its definition changed at opset 11; re-export/.test(e.message));
  });
});
