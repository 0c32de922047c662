import { BadRequestError } from '../errors.js';
import { type Dim, ModelBuilder } from '../graph/builder.js';
import type { ModelProto } from '../onnx/types.js';

/** Options every reference architecture accepts. */
export interface ModelOptions {
  /** Spatial input size: a square side or `[height, width]` (default: the architecture's own). */
  readonly inputSize?: number | readonly [number, number];
  /** Input channels (default: the architecture's own, 3 for ImageNet models). */
  readonly channels?: number;
  /** The batch dimension: a size or a symbolic name (default `'N'`). */
  readonly batch?: Dim;
  /** Size of the `logits` output (default: 1000 for ImageNet models, 10 for 28x28 models). */
  readonly numClasses?: number;
  /** Seed of the weights (He normal for Conv/Gemm weights). Same seed, same bytes. */
  readonly seed?: number;
  /** ONNX opset (default 17; at least 13: Clip takes min/max inputs, Dropout a ratio input). */
  readonly opset?: number;
  /**
   * BatchNormalization statistics: `'neutral'` (scale 1, bias 0, mean 0, var 1, as freshly
   * initialised in torchvision) or `'seeded'` (drawn from the seed, so BN is not an identity).
   */
  readonly batchNorm?: BatchNormStats;
}

export type BatchNormStats = 'neutral' | 'seeded';

/** The opset floor: Clip min/max as inputs (11), Dropout ratio input (12), Split/Squeeze inputs (13). */
export const MIN_OPSET = 13;

/** A model under construction: the builder, the input tensor, its channels and spatial size. */
export interface Start {
  readonly b: ModelBuilder;
  readonly x: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export interface Defaults {
  readonly name: string;
  readonly inputSize: number;
  readonly channels: number;
  readonly numClasses: number;
}

function positiveInt(v: number, what: string, model: string): number {
  if (!Number.isInteger(v) || v < 1) throw new BadRequestError(`${model}: ${what} must be a positive integer, got ${v}`);
  return v;
}

/** Validates the options, creates the builder and declares `input` as [batch, C, H, W]. */
export function startModel(defaults: Defaults, options: ModelOptions): Start {
  const size = options.inputSize ?? defaults.inputSize;
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  const height = positiveInt(h, 'input height', defaults.name);
  const width = positiveInt(w, 'input width', defaults.name);
  const channels = positiveInt(options.channels ?? defaults.channels, 'channels', defaults.name);
  positiveInt(options.numClasses ?? defaults.numClasses, 'numClasses', defaults.name);
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < MIN_OPSET) {
    throw new BadRequestError(`${defaults.name}: opset must be an integer >= ${MIN_OPSET}, got ${opset}`);
  }
  const batch = options.batch ?? 'N';
  if (typeof batch === 'number') positiveInt(batch, 'batch', defaults.name);
  else if (batch.length === 0) throw new BadRequestError(`${defaults.name}: a symbolic batch dimension needs a name`);
  const b = new ModelBuilder({ name: defaults.name, opset, seed: options.seed ?? 1 });
  const x = b.input('input', 'float32', [batch, channels, height, width]);
  return { b, x, channels, height, width };
}

/** Output size of a convolution or pooling window along one axis. */
export function windowOut(size: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation = 1, ceil = false): number {
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1;
  const out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // ceil mode drops a last window that would start inside the end padding (ONNX and PyTorch agree).
  return ceil && (out - 1) * stride >= size + padBegin ? out - 1 : out;
}

/** Throws unless every spatial size stayed positive, naming the layer where the input got too small. */
export function requireSpatial(model: string, layer: string, height: number, width: number): void {
  if (height < 1 || width < 1) {
    throw new BadRequestError(`${model}: the input is too small: it shrinks to ${height}x${width} at ${layer}; use a larger inputSize`);
  }
}

/**
 * Declares the output ([batch, numClasses]), renames it `logits` and builds the ModelProto.
 * Other tensors keep their producing node's name (`layer1.0.conv1`), so cut points read like
 * the layers they follow.
 */
export function finishModel(start: Start, logits: string, numClasses: number, batch: Dim = 'N'): ModelProto {
  start.b.output(logits, 'float32', [batch, numClasses]);
  const model = start.b.build();
  const g = model.graph;
  if (logits === 'logits') return model;
  const taken = g.input.some((v) => v.name === 'logits') || g.initializer.some((t) => t.name === 'logits')
    || g.node.some((n) => n.output.includes('logits'));
  if (taken) throw new BadRequestError(`${g.name}: the name "logits" is taken by another tensor`);
  const to = (t: string): string => (t === logits ? 'logits' : t);
  for (const n of g.node) {
    n.input = n.input.map(to);
    n.output = n.output.map(to);
  }
  for (const o of g.output) o.name = to(o.name);
  return model;
}
