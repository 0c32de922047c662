import type { ModelProto } from '../onnx/types.js';
import { conv2d, flatten, linear, maxPool, relu } from './layers.js';
import { finishModel, type ModelOptions, requireSpatial, startModel } from './options.js';

/**
 * A small CNN for the demo (runs in about a millisecond): `conv1` 3x3 (8) -> ReLU -> 2x2 pool ->
 * `conv2` 3x3 (16) -> ReLU -> 2x2 pool -> `conv3` 3x3 (32) -> ReLU -> `fc`. Pads keep the size,
 * so 28x28x1 (default) or 32x32x3 (`channels: 3, inputSize: 32`) both work.
 */
export function smallCnn(options: ModelOptions = {}): ModelProto {
  const name = 'small-cnn';
  const s = startModel({ name, inputSize: 28, channels: 1, numClasses: 10 }, options);
  const { b } = s;
  let x = relu(b, conv2d(b, s.x, 'conv1', { inChannels: s.channels, outChannels: 8, kernel: 3, pad: 1 }), 'relu1');
  x = maxPool(b, x, 'pool1', { kernel: 2 });
  x = relu(b, conv2d(b, x, 'conv2', { inChannels: 8, outChannels: 16, kernel: 3, pad: 1 }), 'relu2');
  x = maxPool(b, x, 'pool2', { kernel: 2 });
  const [h, w] = [Math.floor(Math.floor(s.height / 2) / 2), Math.floor(Math.floor(s.width / 2) / 2)];
  requireSpatial(name, 'pool2', h, w);
  x = relu(b, conv2d(b, x, 'conv3', { inChannels: 16, outChannels: 32, kernel: 3, pad: 1 }), 'relu3');
  x = flatten(b, x, 'flatten');
  const numClasses = options.numClasses ?? 10;
  x = linear(b, x, 'fc', { inFeatures: 32 * h * w, outFeatures: numClasses });
  return finishModel(s, x, numClasses, options.batch);
}
