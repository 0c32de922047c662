import { BadRequestError } from '../errors.js';
import { Random } from '../graph/random.js';
import type { ImageDataset } from './image-dataset.js';

/** One batch as ONNX Runtime wants it: pixels scaled to [0, 1] and one-hot labels. */
export interface Batch {
  /** [size, channels, height, width] */
  readonly x: Float32Array;
  readonly labels: Uint8Array;
  /** [size, classes] */
  readonly onehot: Float32Array;
  readonly size: number;
}

/** Pixel bytes to the model's input scale: x / 255, the convention of every model cleave trains. */
export const PIXEL_SCALE = 1 / 255;

/** Throws a BadRequestError when a label is not a class index of a `classes`-way classifier. */
export function checkLabels(labels: ArrayLike<number>, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!; // i < labels.length
    if (!Number.isInteger(l) || l < 0 || l >= classes) {
      throw new BadRequestError(`label ${l} of sample ${i} is out of range: the model has ${classes} classes (0..${classes - 1})`);
    }
  }
}

/** One-hot rows for labels (checked first). */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  checkLabels(labels, classes);
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]!] = 1; // i < labels.length
  return out;
}

/** Gathers the images at `indices` into a batch. */
export function makeBatch(ds: ImageDataset, indices: ArrayLike<number>, classes = ds.classes): Batch {
  // Bounds: indices are images of ds (< ds.count), so each image's pixels and label exist.
  const pixels = ds.channels * ds.height * ds.width;
  const size = indices.length;
  const x = new Float32Array(size * pixels);
  const labels = new Uint8Array(size);
  for (let k = 0; k < size; k++) {
    const i = indices[k]!;
    const src = ds.images.subarray(i * pixels, (i + 1) * pixels);
    const base = k * pixels;
    for (let p = 0; p < pixels; p++) x[base + p] = src[p]! * PIXEL_SCALE;
    labels[k] = ds.labels[i]!;
  }
  return { x, labels, onehot: oneHot(labels, classes), size };
}

/** How `batches` walks a data set. */
export interface BatchOptions {
  /** shuffle with this seed (each call of `batches` with the same seed gives the same order) */
  readonly seed?: number;
  /** drop a last, smaller batch (training graphs have a static batch size); default true */
  readonly dropLast?: boolean;
}

/** The dataset in batches of `batchSize`, in order or shuffled with a seed. */
export function* batches(ds: ImageDataset, batchSize: number, options: BatchOptions = {}): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BadRequestError(`batch size must be a positive integer, got ${batchSize}`);
  const order = Array.from({ length: ds.count }, (_, i) => i);
  if (options.seed !== undefined) new Random(options.seed).shuffle(order);
  const dropLast = options.dropLast ?? true;
  for (let start = 0; start < ds.count; start += batchSize) {
    const end = Math.min(ds.count, start + batchSize);
    if (end - start < batchSize && dropLast) break;
    yield makeBatch(ds, order.slice(start, end));
  }
}
