import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { convBnRelu, dropout, flatten, linear, maxPool, relu } from './layers.js';
import { finishModel, type ModelOptions, requireSpatial, startModel } from './options.js';

export interface SmallVggOptions extends ModelOptions {
  /** Multiplies the conv channels (32, 64, 128) and the hidden layer (256), default 1. */
  readonly width?: number;
  /** Dropout before the last layer; 0 leaves the node out. Default 0.5. */
  readonly dropout?: number;
}

/**
 * VGG-style CNN for 28x28 images (Fashion-MNIST): three blocks of two 3x3 conv (no bias) ->
 * BN -> ReLU (32, 64, 128 channels) each followed by a 2x2 max pool (28 -> 14 -> 7 -> 3), then
 * `fc1` 256 -> ReLU -> Dropout -> `fc2`. Block outputs `block1.pool`..`block3.pool` are the
 * natural cut points.
 */
export function smallVgg(options: SmallVggOptions = {}): ModelProto {
  const name = 'small-vgg';
  const s = startModel({ name, inputSize: 28, channels: 1, numClasses: 10 }, options);
  const width = options.width ?? 1;
  if (!(width > 0)) throw new BadRequestError(`${name}: width must be positive, got ${width}`);
  const scale = (c: number): number => Math.max(1, Math.round(c * width));
  const { b } = s;
  const stats = options.batchNorm;
  let x = s.x;
  let channels = s.channels;
  let [h, w] = [s.height, s.width];
  [32, 64, 128].forEach((c, i) => {
    const p = `block${i + 1}`;
    const out = scale(c);
    for (let k = 1; k <= 2; k++) {
      x = convBnRelu(b, x, { conv: `${p}.conv${k}`, bn: `${p}.bn${k}`, relu: `${p}.relu${k}` },
        { inChannels: channels, outChannels: out, kernel: 3, pad: 1, stats });
      channels = out;
    }
    x = maxPool(b, x, `${p}.pool`, { kernel: 2 });
    [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
    requireSpatial(name, `${p}.pool`, h, w);
  });
  x = flatten(b, x, 'flatten');
  const hidden = scale(256);
  x = relu(b, linear(b, x, 'fc1', { inFeatures: channels * h * w, outFeatures: hidden }), 'relu');
  const ratio = options.dropout ?? 0.5;
  if (ratio > 0) x = dropout(b, x, 'dropout', ratio);
  const numClasses = options.numClasses ?? 10;
  x = linear(b, x, 'fc2', { inFeatures: hidden, outFeatures: numClasses });
  return finishModel(s, x, numClasses, options.batch);
}
