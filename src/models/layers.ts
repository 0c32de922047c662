import { BadRequestError } from '../errors.js';
import { float, type Init, type ModelBuilder } from '../graph/builder.js';
import type { BatchNormStats } from './options.js';

/**
 * Layers for ModelBuilder, named after PyTorch modules: each takes the builder, the input
 * tensor name(s) and a layer name (`layer1.0.conv1`), adds the nodes and initializers
 * (`layer1.0.conv1.weight`, torchvision's state_dict names) and returns the output tensor name.
 * The builder does not track shapes, so layers that create weights take the channel counts.
 */

/** A size per spatial axis, or one size for both. */
export type Pair = number | readonly [number, number];

function pair(v: Pair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

export interface Conv2dSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: Pair;
  readonly stride?: Pair;
  /** Symmetric zero padding per axis (PyTorch's `padding`), default 0. */
  readonly pad?: Pair;
  readonly dilation?: Pair;
  /** Channel groups; `groups == inChannels == outChannels` is a depthwise conv. */
  readonly groups?: number;
  /** Adds a bias (zeros); off when a BatchNormalization follows. Default true. */
  readonly bias?: boolean;
  readonly init?: Init;
}

/** Conv (2-D), weight [out, in/groups, kh, kw] with He-normal values. */
export function conv2d(b: ModelBuilder, x: string, name: string, spec: Conv2dSpec): string {
  const groups = spec.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || spec.inChannels % groups !== 0 || spec.outChannels % groups !== 0) {
    throw new BadRequestError(`conv ${name}: groups ${groups} must divide in channels ${spec.inChannels} and out channels ${spec.outChannels}`);
  }
  const [kh, kw] = pair(spec.kernel);
  const [ph, pw] = pair(spec.pad ?? 0);
  const w = b.param(`${name}.weight`, [spec.outChannels, spec.inChannels / groups, kh, kw], spec.init);
  const inputs = [x, w];
  if (spec.bias ?? true) inputs.push(b.param(`${name}.bias`, [spec.outChannels], { kind: 'const', value: 0 }));
  return b.node('Conv', inputs, {
    kernel_shape: [kh, kw],
    strides: pair(spec.stride ?? 1),
    pads: [ph, pw, ph, pw],
    dilations: pair(spec.dilation ?? 1),
    group: groups,
  }, name);
}

export interface BatchNormSpec {
  readonly stats?: BatchNormStats;
  /** PyTorch's default 1e-5; torchvision's GoogLeNet uses 1e-3. */
  readonly epsilon?: number;
}

/**
 * BatchNormalization in inference mode. Initializers `.weight`, `.bias`, `.running_mean`,
 * `.running_var` as in torchvision; neutral statistics (1, 0, 0, 1) unless seeded.
 */
export function batchNorm(b: ModelBuilder, x: string, name: string, channels: number, spec: BatchNormSpec = {}): string {
  const seeded = spec.stats === 'seeded';
  const scale = b.param(`${name}.weight`, [channels], seeded ? { kind: 'uniform', low: 0.5, high: 1.5 } : { kind: 'const', value: 1 });
  const bias = b.param(`${name}.bias`, [channels], seeded ? { kind: 'normal', std: 0.1 } : { kind: 'const', value: 0 });
  const mean = b.param(`${name}.running_mean`, [channels], seeded ? { kind: 'normal', std: 0.1 } : { kind: 'const', value: 0 });
  const variance = b.param(`${name}.running_var`, [channels], seeded ? { kind: 'uniform', low: 0.5, high: 1.5 } : { kind: 'const', value: 1 });
  return b.node('BatchNormalization', [x, scale, bias, mean, variance], { epsilon: float(spec.epsilon ?? 1e-5) }, name);
}

export function relu(b: ModelBuilder, x: string, name: string): string {
  return b.node('Relu', [x], {}, name);
}

// One pair of Clip bounds per model, shared by every ReLU6 (as PyTorch's exporter does per value).
const clipBounds = new WeakMap<ModelBuilder, readonly [string, string]>();

/** ReLU6 as Clip(x, 0, 6) with min and max as scalar inputs (opset >= 11). */
export function relu6(b: ModelBuilder, x: string, name: string): string {
  let bounds = clipBounds.get(b);
  if (!bounds) {
    bounds = [b.constant('relu6.min', 'float32', [], [0]), b.constant('relu6.max', 'float32', [], [6])];
    clipBounds.set(b, bounds);
  }
  return b.node('Clip', [x, bounds[0], bounds[1]], {}, name);
}

export interface PoolSpec {
  readonly kernel: Pair;
  /** Default: the kernel (PyTorch's default). */
  readonly stride?: Pair;
  readonly pad?: Pair;
  /** PyTorch's `ceil_mode`. */
  readonly ceil?: boolean;
}

function poolAttrs(spec: PoolSpec): Record<string, readonly number[] | number> {
  const [kh, kw] = pair(spec.kernel);
  const [ph, pw] = pair(spec.pad ?? 0);
  return { kernel_shape: [kh, kw], strides: pair(spec.stride ?? spec.kernel), pads: [ph, pw, ph, pw], ceil_mode: spec.ceil ? 1 : 0 };
}

export function maxPool(b: ModelBuilder, x: string, name: string, spec: PoolSpec): string {
  return b.node('MaxPool', [x], poolAttrs(spec), name);
}

/** AveragePool; padded cells count in the mean, as in PyTorch's default `count_include_pad=True`. */
export function avgPool(b: ModelBuilder, x: string, name: string, spec: PoolSpec): string {
  return b.node('AveragePool', [x], { ...poolAttrs(spec), count_include_pad: 1 }, name);
}

/** GlobalAveragePool: [N, C, H, W] -> [N, C, 1, 1] (PyTorch's AdaptiveAvgPool2d(1)). */
export function globalAvgPool(b: ModelBuilder, x: string, name: string): string {
  return b.node('GlobalAveragePool', [x], {}, name);
}

/** Flatten from axis 1: [N, C, H, W] -> [N, C*H*W]. */
export function flatten(b: ModelBuilder, x: string, name: string): string {
  return b.node('Flatten', [x], { axis: 1 }, name);
}

export interface LinearSpec {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias?: boolean;
  readonly init?: Init;
}

/** Linear as Gemm(x, W, b) with transB=1, so W keeps PyTorch's [out, in] layout. */
export function linear(b: ModelBuilder, x: string, name: string, spec: LinearSpec): string {
  const w = b.param(`${name}.weight`, [spec.outFeatures, spec.inFeatures], spec.init);
  const inputs = [x, w];
  if (spec.bias ?? true) inputs.push(b.param(`${name}.bias`, [spec.outFeatures], { kind: 'const', value: 0 }));
  return b.node('Gemm', inputs, { transB: 1 }, name);
}

/** Dropout (an identity at inference); the ratio is a scalar input (opset >= 12). */
export function dropout(b: ModelBuilder, x: string, name: string, ratio = 0.5): string {
  if (!(ratio >= 0 && ratio < 1)) throw new BadRequestError(`dropout ${name}: ratio must be in [0, 1), got ${ratio}`);
  const r = b.constant(`${name}.ratio`, 'float32', [], [ratio]);
  return b.node('Dropout', [x, r], {}, name);
}

/** Concat along `axis` (channels by default). */
export function concat(b: ModelBuilder, xs: readonly string[], name: string, axis = 1): string {
  if (xs.length === 0) throw new BadRequestError(`concat ${name}: no inputs`);
  return b.node('Concat', xs, { axis }, name);
}

export function add(b: ModelBuilder, x: string, y: string, name: string): string {
  return b.node('Add', [x, y], {}, name);
}

/** Conv (no bias) -> BatchNormalization -> ReLU: the unit most CNNs repeat. */
export function convBnRelu(
  b: ModelBuilder,
  x: string,
  names: { readonly conv: string; readonly bn: string; readonly relu: string },
  spec: Omit<Conv2dSpec, 'bias'> & { readonly stats?: BatchNormStats; readonly epsilon?: number },
): string {
  const c = conv2d(b, x, names.conv, { ...spec, bias: false });
  const n = batchNorm(b, c, names.bn, spec.outChannels, { stats: spec.stats, epsilon: spec.epsilon });
  return relu(b, n, names.relu);
}
