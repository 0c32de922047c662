import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { avgPool, conv2d, dropout, flatten, linear, maxPool, relu } from './layers.js';
import { finishModel, type ModelOptions, requireSpatial, startModel } from './options.js';

export interface VggOptions extends ModelOptions {
  /** Multiplies every conv's channels (and the classifier's 4096), default 1. */
  readonly width?: number;
}

/** torchvision's configurations: channels per 3x3 conv, 'M' a 2x2 max pool. */
export const VGG_CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const;

export type VggDepth = keyof typeof VGG_CONFIGS;

/**
 * VGG in torchvision's layout (no BN): `features.i` convs 3x3/pad 1 with bias and ReLU, 2x2 max
 * pools, then `classifier.0/3/6` Linear(…, 4096) -> ReLU -> Dropout twice -> Linear(4096, classes).
 * torchvision's AdaptiveAvgPool2d(7) is an identity at 224x224 (a 7x7 map); for maps that are a
 * multiple of 7 it is the AveragePool emitted here; other sizes feed the map as it is to
 * `classifier.0`, whose input width then follows the input size.
 */
export function vgg(depth: VggDepth, options: VggOptions = {}): ModelProto {
  const name = depth;
  const s = startModel({ name, inputSize: 224, channels: 3, numClasses: 1000 }, options);
  const width = options.width ?? 1;
  if (!(width > 0)) throw new BadRequestError(`${name}: width must be positive, got ${width}`);
  const scale = (c: number): number => Math.max(1, Math.round(c * width));
  const { b } = s;
  let [h, w] = [s.height, s.width];
  // Check the size before drawing any weights: VGG's are large.
  let i = 0;
  for (const v of VGG_CONFIGS[depth]) {
    if (v === 'M') {
      [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
      requireSpatial(name, `features.${i}`, h, w);
    }
    i += v === 'M' ? 1 : 2;
  }
  let x = s.x;
  let channels = s.channels;
  i = 0;
  for (const v of VGG_CONFIGS[depth]) {
    if (v === 'M') {
      x = maxPool(b, x, `features.${i}`, { kernel: 2, stride: 2 });
      i += 1;
    } else {
      const out = scale(v);
      x = conv2d(b, x, `features.${i}`, { inChannels: channels, outChannels: out, kernel: 3, pad: 1 });
      x = relu(b, x, `features.${i + 1}`);
      channels = out;
      i += 2;
    }
  }
  if ((h !== 7 || w !== 7) && h % 7 === 0 && w % 7 === 0) {
    x = avgPool(b, x, 'avgpool', { kernel: [h / 7, w / 7] });
    [h, w] = [7, 7];
  }
  x = flatten(b, x, 'flatten');
  const hidden = scale(4096);
  const numClasses = options.numClasses ?? 1000;
  x = linear(b, x, 'classifier.0', { inFeatures: channels * h * w, outFeatures: hidden });
  x = relu(b, x, 'classifier.1');
  x = dropout(b, x, 'classifier.2', 0.5);
  x = linear(b, x, 'classifier.3', { inFeatures: hidden, outFeatures: hidden });
  x = relu(b, x, 'classifier.4');
  x = dropout(b, x, 'classifier.5', 0.5);
  x = linear(b, x, 'classifier.6', { inFeatures: hidden, outFeatures: numClasses });
  return finishModel(s, x, numClasses, options.batch);
}

/** VGG-16: 13 convs + 3 FC; 224x224x3 -> 1000, 138,357,544 parameters, 15.47 GMACs. */
export function vgg16(options: VggOptions = {}): ModelProto {
  return vgg('vgg16', options);
}
