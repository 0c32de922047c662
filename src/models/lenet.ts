import type { ModelProto } from '../onnx/types.js';
import { conv2d, flatten, linear, maxPool, relu } from './layers.js';
import { finishModel, type ModelOptions, requireSpatial, startModel, windowOut } from './options.js';

/**
 * LeNet-5 style CNN for 28x28x1 digits: `conv1` 5x5 (6, pad 2) -> ReLU -> 2x2 max pool ->
 * `conv2` 5x5 (16) -> ReLU -> 2x2 max pool -> `fc1` 120 -> ReLU -> `fc2` 84 -> ReLU -> `fc3`.
 * 61,706 parameters at 28x28 with 10 classes.
 */
export function lenet(options: ModelOptions = {}): ModelProto {
  const name = 'lenet';
  const s = startModel({ name, inputSize: 28, channels: 1, numClasses: 10 }, options);
  const { b } = s;
  let x = conv2d(b, s.x, 'conv1', { inChannels: s.channels, outChannels: 6, kernel: 5, pad: 2 });
  x = maxPool(b, relu(b, x, 'relu1'), 'pool1', { kernel: 2 });
  x = conv2d(b, x, 'conv2', { inChannels: 6, outChannels: 16, kernel: 5 });
  x = maxPool(b, relu(b, x, 'relu2'), 'pool2', { kernel: 2 });
  const side = (d: number): number => Math.floor(windowOut(Math.floor(d / 2), 5, 1, 0, 0) / 2);
  const [h, w] = [side(s.height), side(s.width)];
  requireSpatial(name, 'pool2', h, w);
  x = flatten(b, x, 'flatten');
  x = relu(b, linear(b, x, 'fc1', { inFeatures: 16 * h * w, outFeatures: 120 }), 'relu3');
  x = relu(b, linear(b, x, 'fc2', { inFeatures: 120, outFeatures: 84 }), 'relu4');
  const numClasses = options.numClasses ?? 10;
  x = linear(b, x, 'fc3', { inFeatures: 84, outFeatures: numClasses });
  return finishModel(s, x, numClasses, options.batch);
}
