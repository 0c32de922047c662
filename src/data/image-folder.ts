import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BadRequestError, IoError, ioFailure } from '../errors.js';
import { decodeImage, sniffImage } from '../image/decode.js';
import { imageToTensor } from '../image/transform.js';
import type { ImageDataset, Split } from './image-dataset.js';

/** How a folder's images become a data set. */
export interface ImageFolderOptions {
  /** [channels, height, width] the model takes; images are converted and resized to it */
  readonly input: readonly [number, number, number];
  /** keep at most this many images (taken round-robin over the classes, so a prefix is balanced) */
  readonly limit?: number;
  /** class names in index order; default the sorted subfolder names */
  readonly classNames?: readonly string[];
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    throw ioFailure(`cannot read the folder ${dir}`, e);
  }
}

const isDir = (p: string) => statSync(p).isDirectory();

/**
 * The folder that holds a split: DIR/train or DIR/test when DIR has them, else DIR itself
 * (every image is then in both splits: fine for ranking, say so when training).
 */
export function splitFolder(dir: string, split: Split): { folder: string; shared: boolean } {
  const sub = join(dir, split);
  if (existsSync(sub) && isDir(sub)) return { folder: sub, shared: false };
  return { folder: dir, shared: true };
}

/**
 * Reads a folder of labelled images, one subfolder per class (`DIR/cat/001.png`), PNG or
 * JPEG decided by their bytes; other files are skipped. Each image becomes the model's
 * input: grey (luma) or RGB as `input` has 1 or 3 channels, resized bilinearly to its size,
 * and stored as bytes 0..255 like the MNIST sets (batches feed x / 255, cleave's scale).
 */
export function loadImageFolder(dir: string, options: ImageFolderOptions): ImageDataset {
  // Bounds: i < list.length, and imageToTensor returns pixels = channels x height x width values.
  const [channels, height, width] = options.input;
  if (!existsSync(dir) || !isDir(dir)) throw new IoError(`${dir} is not a folder`);
  const found = listDir(dir).filter((n) => !n.startsWith('.') && isDir(join(dir, n)));
  const classNames = options.classNames ?? found;
  if (classNames.length < 2) throw new BadRequestError(`${dir} needs one subfolder per class (at least two); found ${found.length}`);
  for (const c of classNames) if (!found.includes(c)) throw new BadRequestError(`${dir} has no subfolder "${c}"`);
  const files = classNames.map((c) => listDir(join(dir, c)).filter((f) => !f.startsWith('.')).map((f) => join(dir, c, f)));
  // Round-robin order over the classes, so that a limit keeps the classes balanced.
  const order: { path: string; label: number }[] = [];
  const longest = Math.max(...files.map((f) => f.length));
  for (let i = 0; i < longest; i++) files.forEach((list, label) => { if (i < list.length) order.push({ path: list[i]!, label }); });
  const limit = options.limit ?? Infinity;
  const pixels = channels * height * width;
  const images: Uint8Array[] = [];
  const labels: number[] = [];
  for (const { path, label } of order) {
    if (images.length >= limit) break;
    const bytes = new Uint8Array(readFileSync(path));
    if (!sniffImage(bytes)) continue;
    const x = imageToTensor(decodeImage(bytes, path), channels, height, width);
    const u8 = new Uint8Array(pixels);
    for (let p = 0; p < pixels; p++) u8[p] = Math.max(0, Math.min(255, Math.round(x[p]! * 255)));
    images.push(u8);
    labels.push(label);
  }
  if (images.length === 0) throw new BadRequestError(`${dir} holds no PNG or JPEG image in its class subfolders`);
  const all = new Uint8Array(images.length * pixels);
  images.forEach((im, i) => all.set(im, i * pixels));
  return { name: dir, images: all, labels: Uint8Array.from(labels), count: images.length, channels, height, width, classes: classNames.length, classNames };
}
