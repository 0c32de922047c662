import { BadRequestError } from '../errors.js';
import type { ModelBuilder } from '../graph/builder.js';
import type { ModelProto } from '../onnx/types.js';
import { add, batchNorm, conv2d, relu6 } from './layers.js';
import { type BatchNormStats, type ModelOptions, startModel } from './options.js';
import { poolAndClassify } from './classifier-head.js';

export interface MobileNetV2Options extends ModelOptions {
  /** Width multiplier (torchvision's `width_mult`), default 1. */
  readonly width?: number;
}

/** Inverted residual settings (t expansion, c channels, n repeats, s first stride), torchvision's. */
const SETTINGS: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

/** torchvision's `_make_divisible`: nearest multiple of 8, never below 90% of `v`. */
export function makeDivisible(v: number, divisor = 8): number {
  let n = Math.max(divisor, Math.floor(v + divisor / 2) - (Math.floor(v + divisor / 2) % divisor));
  if (n < 0.9 * v) n += divisor;
  return n;
}

/** Conv (no bias) -> BN -> ReLU6: torchvision's Conv2dNormActivation, children `.0 .1 .2`. */
function convBnRelu6(b: ModelBuilder, x: string, p: string, inC: number, outC: number, kernel: number, stride: number, groups: number, stats: BatchNormStats | undefined): string {
  const c = conv2d(b, x, `${p}.0`, { inChannels: inC, outChannels: outC, kernel, stride, pad: (kernel - 1) / 2, groups, bias: false });
  return relu6(b, batchNorm(b, c, `${p}.1`, outC, { stats }), `${p}.2`);
}

/**
 * MobileNetV2 in torchvision's layout: `features.0` 3x3/2 conv, 17 inverted residual blocks
 * `features.1..17` (1x1 expand -> 3x3 depthwise with the stride -> 1x1 linear projection,
 * residual Add when stride 1 and channels equal), `features.18` 1x1 to 1280, global average pool,
 * `classifier.0` Dropout(0.2), `classifier.1` Linear. ReLU6 is Clip(0, 6).
 */
export function mobilenetV2(options: MobileNetV2Options = {}): ModelProto {
  const name = 'mobilenetv2';
  const s = startModel({ name, inputSize: 224, channels: 3, numClasses: 1000 }, options);
  const width = options.width ?? 1;
  if (!(width > 0)) throw new BadRequestError(`${name}: width must be positive, got ${width}`);
  const { b } = s;
  const stats = options.batchNorm;
  let inC = makeDivisible(32 * width);
  let x = convBnRelu6(b, s.x, 'features.0', s.channels, inC, 3, 2, 1, stats);
  let index = 1;
  for (const [t, c, n, firstStride] of SETTINGS) {
    const outC = makeDivisible(c * width);
    for (let k = 0; k < n; k++) {
      const stride = k === 0 ? firstStride : 1;
      const p = `features.${index}.conv`;
      const hidden = Math.round(inC * t);
      let y = x;
      let layer = 0;
      if (t !== 1) y = convBnRelu6(b, y, `${p}.${layer++}`, inC, hidden, 1, 1, 1, stats);
      y = convBnRelu6(b, y, `${p}.${layer++}`, hidden, hidden, 3, stride, hidden, stats);
      y = conv2d(b, y, `${p}.${layer++}`, { inChannels: hidden, outChannels: outC, kernel: 1, bias: false });
      y = batchNorm(b, y, `${p}.${layer}`, outC, { stats });
      x = stride === 1 && inC === outC ? add(b, x, y, `features.${index}.add`) : y;
      inC = outC;
      index += 1;
    }
  }
  const last = makeDivisible(1280 * Math.max(1, width));
  x = convBnRelu6(b, x, `features.${index}`, inC, last, 1, 1, 1, stats);
  return poolAndClassify(s, x, last, options, { fc: 'classifier.1', dropout: { name: 'classifier.0', ratio: 0.2 } });
}
