/**
 * The cuts the real-link inference runs use: real models cut into head and tail, and the frames
 * the edge client sends through them. SPLIT_CASES are bench/netem-inference's; WARM_CASES (real
 * cut tensors from a few KB to ~1 MB) are bench/net/warm's.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBatch } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { Random } from '../../src/graph/random.js';
import { buildModel } from '../../src/models/catalogue.js';
import { readModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export type SplitCaseName = 'lenet-pool1' | 'lenet-relu1' | 'mobilenetv2-stem' | 'mobilenetv2-176-stem';
export const SPLIT_CASES: readonly SplitCaseName[] = ['lenet-relu1', 'mobilenetv2-stem'];
export const WARM_CASES: readonly SplitCaseName[] = ['lenet-pool1', 'mobilenetv2-stem', 'mobilenetv2-176-stem'];

/** Frames kept in the inputs file (the client cycles through them). */
export const FRAMES = 16;

export interface SplitCase {
  /** a SplitCaseName, or lenet-<tensor> for a cut of the trained LeNet chosen elsewhere (trainedLenetCase) */
  readonly name: string;
  readonly model: ModelProto;
  readonly cutAt: string;
  /** FRAMES inputs, float32, batch 1 each */
  readonly inputs: Float32Array;
}

/**
 * lenet-relu1 / lenet-pool1: the trained LeNet (models/lenet-mnist.onnx) cut after conv1+relu
 * (6x28x28 fp32, 18.8 KB) or after the first pooling (6x14x14, 4.7 KB), on real MNIST test
 * images. mobilenetv2-stem: MobileNetV2 at 64x64 (seeded weights) cut after the stem's
 * conv+BN+ReLU6 (32x32x32 fp32, 131 KB); mobilenetv2-176-stem: the same at 176x176 (32x88x88,
 * 991 KB); both on seeded random images. (ResNet-18's stem cut, 262 KB, would be another case,
 * but its 47 MB tail does not load through readModel's lazy path yet: see
 * /work/coord/requests.md.)
 */
export function splitCase(name: SplitCaseName): SplitCase {
  if (name === 'lenet-relu1' || name === 'lenet-pool1') return trainedLenetCase(name === 'lenet-relu1' ? 'relu1' : 'pool1');
  const size = name === 'mobilenetv2-stem' ? 64 : 176;
  const rng = new Random(7);
  const inputs = new Float32Array(FRAMES * 3 * size * size);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rng.next() * 2 - 1;
  return { name, model: buildModel('mobilenetv2', { inputSize: size, seed: 1 }), cutAt: 'features.0.2', inputs };
}

/** The trained LeNet (models/lenet-mnist.onnx) on real MNIST test images, cut after `cutAt` (e.g. the cut a plan recommends). */
export function trainedLenetCase(cutAt: string): SplitCase {
  const ds = loadDataset('mnist', 'test', { limit: FRAMES });
  const batch = makeBatch(ds, Array.from({ length: ds.count }, (_, i) => i));
  return { name: `lenet-${cutAt}`, model: readModel(TRAINED_LENET), cutAt, inputs: batch.x };
}

/** The trained LeNet's file. */
export const TRAINED_LENET = join(repoRoot, 'models/lenet-mnist.onnx');
