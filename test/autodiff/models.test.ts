import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildModel } from '../../src/models/catalogue.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { describeChecks, FD_MODEL_TOLERANCE, gradCheck, gradChecksPass } from '../../test-support/autodiff/grad-check.js';
import { randomTensor } from '../../test-support/random-tensor.js';

/** Step sizes tried per coordinate: a kink or rounding spoils one, rarely all three. */
const MODEL_STEPS = [1e-2, 3e-3, 1e-3];
/**
 * Share of sampled coordinates that must agree: perturbing a weight of a deep ReLU net in
 * float32 moves thousands of activations, a few of which cross kinks on both sides.
 */
const MIN_PASS = 0.8;

/** The same model with `output` as its only output (to check early weights where FD is reliable). */
function upTo(model: ModelProto, output: string): ModelProto {
  return { ...model, graph: { ...model.graph, output: [{ name: output }] } };
}

async function expectClose(model: ModelProto, wrt: readonly string[], output: string, seed: number): Promise<void> {
  const feeds = { input: randomTensor('float32', [2, 3, 32, 32], seed) };
  const checks = await gradCheck(model, feeds, wrt, FD_MODEL_TOLERANCE, { output, steps: MODEL_STEPS, samples: 16, binding: { batch: 2 } });
  assert.ok(gradChecksPass(checks, MIN_PASS), describeChecks(checks));
}

// Whole-model gradients (input and weights across the depth) against central differences on
// sampled coordinates; BN statistics are seeded so that BN is not an identity. The stem's
// weights move every activation of the net: their check stops at the first stage, where a
// perturbation crosses few enough ReLU/Clip kinks for finite differences to be meaningful.
describe('whole-model gradients against finite differences', () => {
  it('ResNet-18 shape (width 1/4, 32x32, batch 2): input, strided block, downsample, BN, fc at the logits', async () => {
    const model = buildModel('resnet18', { width: 0.25, inputSize: 32, numClasses: 10, batchNorm: 'seeded', seed: 4 });
    await expectClose(model, ['input', 'layer2.0.conv1.weight', 'layer3.0.downsample.0.weight', 'layer4.1.bn2.weight', 'fc.weight'], 'logits', 9);
    await expectClose(upTo(model, 'layer1.1.relu2'), ['conv1.weight', 'bn1.bias'], 'layer1.1.relu2', 9);
  });

  it('MobileNetV2 shape (width 0.35, 32x32, batch 2): depthwise convs, ReLU6 (Clip), inverted residuals', async () => {
    const model = buildModel('mobilenetv2', { width: 0.35, inputSize: 32, numClasses: 10, batchNorm: 'seeded', seed: 5 });
    await expectClose(model, ['input', 'features.2.conv.1.0.weight', 'features.6.conv.3.weight', 'features.12.conv.2.weight', 'classifier.1.weight'], 'logits', 10);
    await expectClose(upTo(model, 'features.3.add'), ['features.0.0.weight'], 'features.3.add', 10);
  });
});
