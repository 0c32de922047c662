import type { RgbaImage } from './decode.js';
import { resizeBilinear } from './transform.js';

/** The "jet" colour map: 0 blue -> cyan -> yellow -> 1 red. */
export function jet(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  const channel = (offset: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - offset))));
  return [channel(3), channel(2), channel(1)];
}

/** Scales a map to [0, 1] by its maximum (an all-zero map stays zero). */
export function normaliseMap(map: Float32Array): Float32Array {
  let max = 0;
  for (const v of map) if (v > max) max = v;
  return max > 0 ? map.map((v) => v / max) : new Float32Array(map.length);
}

/**
 * Blends a heat map (values in [0, 1], [mapH, mapW], upsampled bilinearly) over an image:
 * out = (1 - alpha) image + alpha jet(map).
 */
export function overlayHeatmap(img: RgbaImage, map: Float32Array, mapH: number, mapW: number, alpha = 0.5): RgbaImage {
  // Bounds: i < width x height, the pixels of up, and the RGBA data has 4 per pixel.
  const up = resizeBilinear(map, 1, mapH, mapW, img.height, img.width);
  const out = new Uint8Array(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    const [r, g, b] = jet(up[i]!);
    out[4 * i] = Math.round((1 - alpha) * img.data[4 * i]! + alpha * r);
    out[4 * i + 1] = Math.round((1 - alpha) * img.data[4 * i + 1]! + alpha * g);
    out[4 * i + 2] = Math.round((1 - alpha) * img.data[4 * i + 2]! + alpha * b);
    out[4 * i + 3] = 255;
  }
  return { width: img.width, height: img.height, data: out };
}

/** A planar float sample [channels, h, w] in [0, 1] as an RGBA image (grey for 1 channel), for overlays of tensor inputs. */
export function tensorToImage(sample: Float32Array, channels: number, height: number, width: number): RgbaImage {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of sample) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  const plane = height * width;
  const data = new Uint8Array(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      const c = channels === 1 ? 0 : k;
      data[4 * i + k] = Math.round((255 * (sample[c * plane + i]! - lo)) / span); // c < channels, i < plane: inside sample
    }
    data[4 * i + 3] = 255;
  }
  return { width, height, data };
}
