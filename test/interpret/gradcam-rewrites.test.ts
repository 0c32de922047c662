import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../src/graph/builder.js';
import { buildGradCamModel } from '../../src/interpret/gradcam.js';
import { GradCam } from '../../src/interpret/gradcam-run.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { referenceCam } from '../../test-support/interpret/reference-cam.js';
import { assertCloseToScale } from '../../test-support/passes/rewrite-checks.js';
import { randomTensor } from '../../test-support/random-tensor.js';

const RTOL = 1e-4;
const CLASSES = 5;
const close = (a: Float32Array, b: Float32Array): void => assertCloseToScale(a, b, RTOL);

/**
 * A small residual net with inference BatchNorms: stem conv+BN+ReLU (`a`), then a block whose
 * main path is conv(stride 2)+BN+ReLU+conv+BN and whose shortcut is a 1x1 stride-2 conv+BN,
 * summed and ReLU'd (`b`), GAP, FC. `a`'s gradient comes from two stride-2 ConvTransposes and a
 * Sum, each behind a BatchNorm scale: the Grad-CAM rewrites (spatial sums, scales folded into
 * weights) all apply.
 */
function residualNet(batch: number): ModelProto {
  const b = new ModelBuilder({ seed: 21, opset: 17 });
  const bn = (x: string, c: number, name: string) => b.node('BatchNormalization', [
    x, b.param(`${name}.weight`, [c], { kind: 'uniform', low: 0.5, high: 1.5 }), b.param(`${name}.bias`, [c], { kind: 'normal', std: 0.1 }),
    b.param(`${name}.mean`, [c], { kind: 'normal', std: 0.1 }), b.param(`${name}.var`, [c], { kind: 'uniform', low: 0.5, high: 2 }),
  ], {}, name);
  const x = b.input('input', 'float32', [batch, 3, 10, 10]);
  const a = b.node('Relu', [bn(b.node('Conv', [x, b.param('w0', [8, 3, 3, 3])], { pads: [1, 1, 1, 1] }, 'conv0'), 8, 'bn0')], {}, 'a');
  const m1 = b.node('Relu', [bn(b.node('Conv', [a, b.param('w1', [16, 8, 3, 3])], { pads: [1, 1, 1, 1], strides: [2, 2] }, 'conv1'), 16, 'bn1')], {}, 'm1');
  const m2 = bn(b.node('Conv', [m1, b.param('w2', [16, 16, 3, 3])], { pads: [1, 1, 1, 1] }, 'conv2'), 16, 'bn2');
  const short = bn(b.node('Conv', [a, b.param('wd', [16, 8, 1, 1])], { strides: [2, 2] }, 'down'), 16, 'bnd');
  const out = b.node('Relu', [b.node('Add', [m2, short], {}, 'res')], {}, 'b');
  const f = b.node('Flatten', [b.node('GlobalAveragePool', [out], {}, 'gap')], { axis: 1 }, 'flat');
  b.output(b.node('Gemm', [f, b.param('wf', [CLASSES, 16]), b.param('bf', [CLASSES], { kind: 'normal', std: 0.1 })], { transB: 1 }, 'logits'), 'float32', [batch, CLASSES]);
  return b.build();
}



describe('Grad-CAM rewrites', () => {
  it('a residual BatchNorm net: maps equal those from the plain gradient, with the earliest layer\'s input-gradient convolutions gone', async () => {
    const model = residualNet(3);
    const spec = buildGradCamModel(model, { layers: ['a', 'b'], batch: 3, target: 'given' });
    assert.ok(!spec.model.graph.node.some((n) => n.opType === 'ConvTranspose'), spec.model.graph.node.map((n) => n.opType).join(','));
    const x = randomTensor('float32', [3, 3, 10, 10], 8);
    const cam = await GradCam.create(model, { layers: ['a', 'b'], batch: 3, target: 'given' });
    const r = await cam.run(x.data as Float32Array, [4, 0, 2]);
    await cam.release();
    close(r.maps[0]!.values, await referenceCam(model, x, 'a', [4, 0, 2], CLASSES));
    close(r.maps[1]!.values, await referenceCam(model, x, 'b', [4, 0, 2], CLASSES));
  });
});
