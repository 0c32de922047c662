import { BadRequestError } from '../errors.js';
import type { RgbaImage } from './decode.js';

/** How images become model inputs. */
export interface Normalisation {
  /** per channel, subtracted after scaling to [0, 1] (default 0) */
  readonly mean?: readonly number[];
  /** per channel, divided by after subtracting the mean (default 1) */
  readonly std?: readonly number[];
}

/** Bilinear resampling of a planar float image [channels, h, w] (pixel centres aligned, as PyTorch's align_corners=False). */
export function resizeBilinear(src: Float32Array, channels: number, h: number, w: number, outH: number, outW: number): Float32Array {
  // Bounds: y0, y1 < h and x0, x1 < w (clamped), c < channels, so every index is inside the channels x h x w source.
  if (h === outH && w === outW) return src;
  const out = new Float32Array(channels * outH * outW);
  const sy = h / outH;
  const sx = w / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const base = c * h * w;
        const top = src[base + y0 * w + x0]! * (1 - wx) + src[base + y0 * w + x1]! * wx;
        const bottom = src[base + y1 * w + x0]! * (1 - wx) + src[base + y1 * w + x1]! * wx;
        out[c * outH * outW + y * outW + x] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/**
 * An RGBA image as one model input sample [channels, height, width]: grey (ITU-R 601 luma)
 * for 1 channel, RGB for 3; resized bilinearly to the model's size; scaled to [0, 1], then
 * (x - mean) / std per channel.
 */
export function imageToTensor(img: RgbaImage, channels: number, height: number, width: number, norm: Normalisation = {}): Float32Array {
  // Bounds: i < height x width pixels, and the RGBA data has 4 per pixel.
  if (channels !== 1 && channels !== 3) throw new BadRequestError(`the model takes ${channels}-channel images; cleave converts images to 1 (grey) or 3 (RGB) channels only`);
  const planar = new Float32Array(channels * img.height * img.width);
  const plane = img.height * img.width;
  for (let i = 0; i < plane; i++) {
    const [r, g, b] = [img.data[4 * i]!, img.data[4 * i + 1]!, img.data[4 * i + 2]!];
    if (channels === 1) planar[i] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    else {
      planar[i] = r / 255;
      planar[plane + i] = g / 255;
      planar[2 * plane + i] = b / 255;
    }
  }
  const out = resizeBilinear(planar, channels, img.height, img.width, height, width);
  normaliseInPlace(out, channels, height * width, norm);
  return out;
}

/**
 * (x - mean[c]) / std[c] over planar samples [.., channels, plane]; a single mean or std
 * serves every channel, none leaves x as it is.
 */
export function normaliseInPlace(x: Float32Array, channels: number, plane: number, norm: Normalisation | undefined): void {
  const mean = norm?.mean ?? [];
  const std = norm?.std ?? [];
  if (!mean.length && !std.length) return;
  for (let start = 0; start < x.length; start += plane) {
    const c = (start / plane) % channels;
    const m = mean[c] ?? mean[0] ?? 0;
    const s = std[c] ?? std[0] ?? 1;
    for (let i = start; i < start + plane; i++) x[i] = (x[i]! - m) / s; // i < start + plane <= x.length
  }
}

/** Enlarges an RGBA image by an integer factor (nearest neighbour), so small inputs stay visible. */
export function upscaleNearest(img: RgbaImage, factor: number): RgbaImage {
  if (factor <= 1) return img;
  const w = img.width * factor;
  const h = img.height * factor;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = 4 * (Math.floor(y / factor) * img.width + Math.floor(x / factor));
      data.set(img.data.subarray(s, s + 4), 4 * (y * w + x));
    }
  }
  return { width: w, height: h, data };
}
