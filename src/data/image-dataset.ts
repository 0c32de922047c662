/**
 * A labelled image set held as bytes: `images` is [count, channels, height, width] uint8
 * (0..255, row-major, one image after another), `labels` one class per image. Batches are
 * made from these bytes directly; no per-pixel JS objects.
 */
export interface ImageDataset {
  readonly name: string;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  readonly classNames: readonly string[];
}

/** Which part of a data set: the training or the test images. */
export type Split = 'train' | 'test';

/** The images [from, from + count) of a data set, sharing its bytes. */
export function sliceImages(ds: ImageDataset, from: number, count: number): ImageDataset {
  const pixels = ds.channels * ds.height * ds.width;
  const n = Math.max(0, Math.min(count, ds.count - from));
  return {
    ...ds,
    name: `${ds.name}[${from}:${from + n}]`,
    images: ds.images.subarray(from * pixels, (from + n) * pixels),
    labels: ds.labels.subarray(from, from + n),
    count: n,
  };
}
