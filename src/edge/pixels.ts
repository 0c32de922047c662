import { PIXEL_SCALE } from '../data/batches.js';
import { BadRequestError } from '../errors.js';

/** An 8-bit image with 1 (gray), 3 (RGB) or 4 (RGBA) interleaved channels. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/**
 * An image as an NCHW float32 tensor of shape [1, channels, height, width]: bilinear resize,
 * gray from RGB with Rec. 601 weights (alpha composited on black, as MNIST digits are white on
 * black), pixels scaled by 1/255. Used in Node and in the browser alike.
 */
export function imageToTensor(img: RawImage, channels: number, height: number, width: number): Float32Array {
  if (channels !== 1 && channels !== 3) throw new BadRequestError(`the model takes ${channels} channels; images give 1 or 3`);
  if (img.data.length !== img.width * img.height * img.channels) throw new BadRequestError('image data does not match its size');
  const out = new Float32Array(channels * height * width);
  const sample = (x: number, y: number, c: number): number => {
    // Bounds: x < img.width, y < img.height and c < channels, and the data holds width x height x channels values (checked above), so i + 3 < its length for 4 channels, i + 2 for 3.
    const i = (y * img.width + x) * img.channels;
    const a = img.channels === 4 ? img.data[i + 3]! / 255 : 1;
    if (img.channels === 1) return img.data[i]!;
    if (channels === 1) return a * (0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!);
    return a * img.data[i + c]!;
  };
  const sx = img.width / width;
  const sy = img.height / height;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const fy = Math.max(0, Math.min(img.height - 1, (y + 0.5) * sy - 0.5));
      const y0 = Math.floor(fy);
      const y1 = Math.min(img.height - 1, y0 + 1);
      const wy = fy - y0;
      for (let x = 0; x < width; x++) {
        const fx = Math.max(0, Math.min(img.width - 1, (x + 0.5) * sx - 0.5));
        const x0 = Math.floor(fx);
        const x1 = Math.min(img.width - 1, x0 + 1);
        const wx = fx - x0;
        const v = (1 - wy) * ((1 - wx) * sample(x0, y0, c) + wx * sample(x1, y0, c)) + wy * ((1 - wx) * sample(x0, y1, c) + wx * sample(x1, y1, c));
        out[(c * height + y) * width + x] = v * PIXEL_SCALE;
      }
    }
  }
  return out;
}
