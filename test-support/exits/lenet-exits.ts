import { loadMnist } from '../../src/data/datasets.js';
import { insertExits } from '../../src/exits/insert.js';
import { trainExits } from '../../src/exits/train-exits.js';
import { readModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';

/** The shipped LeNet (models/lenet-mnist.onnx, 99% on MNIST) with untrained exits after pool1 and flatten. */
export function lenetWithExits(): ModelProto {
  return insertExits(readModel('models/lenet-mnist.onnx'), { at: ['pool1', 'flatten'] }).model;
}

let trained: Promise<ModelProto> | undefined;

/**
 * The same with its exits trained on a frozen backbone: 200 Adam steps of 32 MNIST training
 * images (a few seconds). exit_0 (6 channels averaged) stays weak and miscalibrated, exit_1
 * gets close to the main output. Built once per test file.
 */
export function trainedLenetExits(): Promise<ModelProto> {
  trained ??= trainExits(lenetWithExits(), loadMnist('train', { limit: 6400 }), undefined, { batch: 32, epochs: 1, optimizer: { kind: 'adam', lr: 0.01 }, seed: 1, nchwc: false }).then((r) => r.model);
  return trained;
}
