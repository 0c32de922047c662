import { BadRequestError } from '../errors.js';
import type { ModelBuilder } from '../graph/builder.js';
import type { ModelProto } from '../onnx/types.js';
import { add, batchNorm, conv2d, convBnRelu, maxPool, relu } from './layers.js';
import { type BatchNormStats, type ModelOptions, startModel } from './options.js';
import { poolAndClassify } from './classifier-head.js';

export interface ResNetOptions extends ModelOptions {
  /** Multiplies every stage's width (64, 128, 256, 512 planes), default 1. */
  readonly width?: number;
}

/** Blocks per stage and the block type, as in torchvision. */
export const RESNET_CONFIGS = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2] },
  resnet34: { block: 'basic', layers: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
  resnet152: { block: 'bottleneck', layers: [3, 8, 36, 3] },
} as const;

export type ResNetDepth = keyof typeof RESNET_CONFIGS;

interface BlockArgs {
  readonly b: ModelBuilder;
  readonly x: string;
  readonly prefix: string;
  readonly inplanes: number;
  readonly planes: number;
  readonly stride: number;
  readonly stats: BatchNormStats | undefined;
}

/** The shortcut: identity, or `downsample.0` 1x1 conv (stride) + `downsample.1` BN when the shape changes. */
function shortcut(a: BlockArgs, outPlanes: number): string {
  if (a.stride === 1 && a.inplanes === outPlanes) return a.x;
  const c = conv2d(a.b, a.x, `${a.prefix}.downsample.0`, { inChannels: a.inplanes, outChannels: outPlanes, kernel: 1, stride: a.stride, bias: false });
  return batchNorm(a.b, c, `${a.prefix}.downsample.1`, outPlanes, { stats: a.stats });
}

/** BasicBlock: 3x3 (stride) -> BN -> ReLU -> 3x3 -> BN, + shortcut, ReLU. Returns out channels. */
function basicBlock(a: BlockArgs): [string, number] {
  const { b, prefix: p, planes, stats } = a;
  let y = convBnRelu(b, a.x, { conv: `${p}.conv1`, bn: `${p}.bn1`, relu: `${p}.relu1` },
    { inChannels: a.inplanes, outChannels: planes, kernel: 3, stride: a.stride, pad: 1, stats });
  y = conv2d(b, y, `${p}.conv2`, { inChannels: planes, outChannels: planes, kernel: 3, pad: 1, bias: false });
  y = batchNorm(b, y, `${p}.bn2`, planes, { stats });
  y = add(b, y, shortcut(a, planes), `${p}.add`);
  return [relu(b, y, `${p}.relu2`), planes];
}

/**
 * Bottleneck (ResNet v1.5, torchvision): 1x1 -> 3x3 with the stride -> 1x1 (4x planes), BN
 * after each, ReLU after the first two and after the residual Add.
 */
function bottleneck(a: BlockArgs): [string, number] {
  const { b, prefix: p, planes, stats } = a;
  const out = planes * 4;
  let y = convBnRelu(b, a.x, { conv: `${p}.conv1`, bn: `${p}.bn1`, relu: `${p}.relu1` },
    { inChannels: a.inplanes, outChannels: planes, kernel: 1, stats });
  y = convBnRelu(b, y, { conv: `${p}.conv2`, bn: `${p}.bn2`, relu: `${p}.relu2` },
    { inChannels: planes, outChannels: planes, kernel: 3, stride: a.stride, pad: 1, stats });
  y = conv2d(b, y, `${p}.conv3`, { inChannels: planes, outChannels: out, kernel: 1, bias: false });
  y = batchNorm(b, y, `${p}.bn3`, out, { stats });
  y = add(b, y, shortcut(a, out), `${p}.add`);
  return [relu(b, y, `${p}.relu3`), out];
}

/**
 * ResNet in torchvision's layout: `conv1` 7x7/2 -> `bn1` -> `relu` -> `maxpool` 3x3/2, four
 * stages `layer1..4` (strides 1, 2, 2, 2), global average pool, `fc`. Block outputs are the
 * tensors `layerS.B.relu2` (basic) or `layerS.B.relu3` (bottleneck).
 */
export function resnet(depth: ResNetDepth, options: ResNetOptions = {}): ModelProto {
  const s = startModel({ name: depth, inputSize: 224, channels: 3, numClasses: 1000 }, options);
  const width = options.width ?? 1;
  if (!(width > 0)) throw new BadRequestError(`${depth}: width must be positive, got ${width}`);
  const { b } = s;
  const stats = options.batchNorm;
  const config = RESNET_CONFIGS[depth];
  const block = config.block === 'basic' ? basicBlock : bottleneck;
  const stem = Math.max(1, Math.round(64 * width));
  let x = convBnRelu(b, s.x, { conv: 'conv1', bn: 'bn1', relu: 'relu' },
    { inChannels: s.channels, outChannels: stem, kernel: 7, stride: 2, pad: 3, stats });
  x = maxPool(b, x, 'maxpool', { kernel: 3, stride: 2, pad: 1 });
  let inplanes = stem;
  config.layers.forEach((blocks, stage) => {
    const planes = Math.max(1, Math.round(64 * 2 ** stage * width));
    for (let k = 0; k < blocks; k++) {
      const stride = k === 0 && stage > 0 ? 2 : 1;
      [x, inplanes] = block({ b, x, prefix: `layer${stage + 1}.${k}`, inplanes, planes, stride, stats });
    }
  });
  return poolAndClassify(s, x, inplanes, options, { fc: 'fc' });
}

/** ResNet-18: BasicBlocks [2, 2, 2, 2]; 11,689,512 parameters, 1.814 GMACs at 224x224. */
export function resnet18(options: ResNetOptions = {}): ModelProto {
  return resnet('resnet18', options);
}

/** ResNet-50 (v1.5): Bottlenecks [3, 4, 6, 3]; 25,557,032 parameters, 4.09 GMACs at 224x224. */
export function resnet50(options: ResNetOptions = {}): ModelProto {
  return resnet('resnet50', options);
}
