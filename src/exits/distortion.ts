/**
 * Image distortions for the exits' statistics under degraded input (POPEX's image-quality-aware
 * partitioning): additive Gaussian noise and Gaussian blur, on batches of pixels in [0, 1]
 * ([N, C, H, W], cleave's x / 255 scale), in place. A few multiply-adds per pixel, seeded:
 * cheap enough in JS next to the model's own run.
 */
import { BadRequestError } from '../errors.js';
import { Random } from '../graph/random.js';

/** No distortion, noise of standard deviation `strength` (pixel scale [0, 1]), or blur of `strength` pixels (the Gaussian's sigma). */
export type Distortion =
  | { readonly kind: 'clean' }
  | { readonly kind: 'noise'; readonly strength: number }
  | { readonly kind: 'blur'; readonly strength: number };

/** `clean`, `noise 0.1`, `blur 1.5`: how tables and files name a distortion. */
export function distortionLabel(d: Distortion): string {
  return d.kind === 'clean' ? 'clean' : `${d.kind} ${d.strength}`;
}

/** The largest sigma accepted: noise beyond 1 or blur beyond 10 pixels leaves nothing to classify at these sizes. */
const MAX_STRENGTH = { noise: 1, blur: 10 } as const;

/** Checks a distortion's strength. */
export function checkDistortion(d: Distortion): Distortion {
  if (d.kind === 'clean') return d;
  if (!(Number.isFinite(d.strength) && d.strength > 0 && d.strength <= MAX_STRENGTH[d.kind])) {
    throw new BadRequestError(`${d.kind} strength must be a number in (0, ${MAX_STRENGTH[d.kind]}]${d.kind === 'noise' ? ' (std of the pixel noise, pixels in [0, 1])' : ' (sigma in pixels)'}, got ${d.strength}`);
  }
  return d;
}

/**
 * Adds N(0, sigma^2) to every pixel and clips to [0, 1] (a sensor cannot go past either end).
 * `rng` carries on from batch to batch, so a data set gets one seeded noise field.
 */
export function addNoise(x: Float32Array, sigma: number, rng: Random): void {
  // Bounds: noise has x.length values.
  const noise = new Float32Array(x.length);
  rng.fillNormal(noise, sigma);
  for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(0, x[i]! + noise[i]!));
}

/** The normalised 1-D Gaussian kernel of `sigma`, radius ceil(3 sigma). */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return k.map((v) => v / sum);
}

/**
 * Gaussian blur of every [H, W] plane: the separable kernel along the rows then the columns,
 * borders replicated (so a flat image stays flat).
 */
export function blur(x: Float32Array, planes: number, height: number, width: number, sigma: number): void {
  // Bounds: the kernel has 2 r + 1 taps, j + r in 0..2 r; the clamped pixel indices stay inside the planes x height x width values of x and tmp.
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float64Array(height * width);
  for (let p = 0; p < planes; p++) {
    const base = p * height * width;
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        let s = 0;
        for (let j = -r; j <= r; j++) s += k[j + r]! * x[base + h * width + Math.min(width - 1, Math.max(0, w + j))]!;
        tmp[h * width + w] = s;
      }
    }
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        let s = 0;
        for (let j = -r; j <= r; j++) s += k[j + r]! * tmp[Math.min(height - 1, Math.max(0, h + j)) * width + w]!;
        x[base + h * width + w] = s;
      }
    }
  }
}

/** A distortion applied batch after batch: noise from one seeded generator across the batches. */
export function distorter(d: Distortion, seed: number): (x: Float32Array, dims: readonly number[]) => void {
  checkDistortion(d);
  const rng = new Random(seed);
  return (x, dims) => {
    if (d.kind === 'noise') addNoise(x, d.strength, rng);
    else if (d.kind === 'blur') {
      const [n, c, h, w] = dims as [number, number, number, number];
      blur(x, n * c, h, w, d.strength);
    }
  };
}
