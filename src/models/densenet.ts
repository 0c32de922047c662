import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { avgPool, batchNorm, concat, conv2d, convBnRelu, maxPool, relu } from './layers.js';
import { type ModelOptions, requireSpatial, startModel, windowOut } from './options.js';
import { poolAndClassify } from './classifier-head.js';

export interface DenseNetOptions extends ModelOptions {
  /** Layers per dense block (default DenseNet-121's [6, 12, 24, 16]); fewer or shorter blocks make a smaller stack. */
  readonly blocks?: readonly number[];
  /** Channels each dense layer adds (k), default 32. */
  readonly growthRate?: number;
  /** Channels after the stem, default 64. */
  readonly initFeatures?: number;
  /** Bottleneck width factor: the 1x1 conv makes `bnSize * growthRate` channels, default 4. */
  readonly bnSize?: number;
}

function positive(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new BadRequestError(`densenet: ${what} must be a positive integer, got ${v}`);
  return v;
}

/**
 * DenseNet in torchvision's layout: stem `features.conv0` 7x7/2 -> `norm0` -> `relu0` ->
 * `pool0` 3x3/2; dense blocks whose layers are BN-ReLU-Conv1x1(4k)-BN-ReLU-Conv3x3(k) over the
 * Concat of every earlier feature map of the block; transitions BN-ReLU-Conv1x1(half)-AvgPool
 * 2x2; `norm5`, ReLU, global average pool, `classifier`. Default: DenseNet-121, 7,978,856
 * parameters, 2.834 GMACs at 224x224 (torchvision publishes 2.83; counters that add BN and ReLU say ~2.87).
 */
export function densenet(options: DenseNetOptions = {}): ModelProto {
  const blocks = options.blocks ?? [6, 12, 24, 16];
  if (blocks.length === 0) throw new BadRequestError('densenet: at least one dense block is needed');
  blocks.forEach((n, i) => positive(n, `blocks[${i}]`));
  const growth = positive(options.growthRate ?? 32, 'growthRate');
  const bnSize = positive(options.bnSize ?? 4, 'bnSize');
  const initFeatures = positive(options.initFeatures ?? 64, 'initFeatures');
  const standard = blocks.join('-') === '6-12-24-16' && growth === 32 && bnSize === 4 && initFeatures === 64;
  const name = standard ? 'densenet121' : 'densenet';
  const s = startModel({ name, inputSize: 224, channels: 3, numClasses: 1000 }, options);
  const { b } = s;
  const stats = options.batchNorm;
  let [h, w] = [s.height, s.width].map((d) => windowOut(windowOut(d, 7, 2, 3, 3), 3, 2, 1, 1)) as [number, number];
  requireSpatial(name, 'features.pool0', h, w);
  for (let i = 1; i < blocks.length; i++) {
    [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
    requireSpatial(name, `features.transition${i}.pool`, h, w);
  }
  let features = initFeatures;
  let x = convBnRelu(b, s.x, { conv: 'features.conv0', bn: 'features.norm0', relu: 'features.relu0' },
    { inChannels: s.channels, outChannels: features, kernel: 7, stride: 2, pad: 3, stats });
  x = maxPool(b, x, 'features.pool0', { kernel: 3, stride: 2, pad: 1 });
  blocks.forEach((layers, i) => {
    const block = `features.denseblock${i + 1}`;
    const maps = [x];
    for (let j = 1; j <= layers; j++) {
      const p = `${block}.denselayer${j}`;
      const inC = features + (j - 1) * growth;
      // torchvision concatenates the block input and all earlier layers' outputs before each layer.
      const joined = maps.length === 1 ? x : concat(b, maps, `${p}.concat`);
      let y = relu(b, batchNorm(b, joined, `${p}.norm1`, inC, { stats }), `${p}.relu1`);
      y = conv2d(b, y, `${p}.conv1`, { inChannels: inC, outChannels: bnSize * growth, kernel: 1, bias: false });
      y = relu(b, batchNorm(b, y, `${p}.norm2`, bnSize * growth, { stats }), `${p}.relu2`);
      y = conv2d(b, y, `${p}.conv2`, { inChannels: bnSize * growth, outChannels: growth, kernel: 3, pad: 1, bias: false });
      maps.push(y);
    }
    x = concat(b, maps, `${block}.concat`);
    features += layers * growth;
    if (i < blocks.length - 1) {
      const t = `features.transition${i + 1}`;
      const half = Math.floor(features / 2);
      x = relu(b, batchNorm(b, x, `${t}.norm`, features, { stats }), `${t}.relu`);
      x = conv2d(b, x, `${t}.conv`, { inChannels: features, outChannels: half, kernel: 1, bias: false });
      x = avgPool(b, x, `${t}.pool`, { kernel: 2, stride: 2 });
      features = half;
    }
  });
  x = relu(b, batchNorm(b, x, 'features.norm5', features, { stats }), 'features.relu5');
  return poolAndClassify(s, x, features, options, { fc: 'classifier' });
}

/** DenseNet-121: blocks [6, 12, 24, 16], growth 32. */
export function densenet121(options: Omit<DenseNetOptions, 'blocks' | 'growthRate'> = {}): ModelProto {
  return densenet(options);
}
