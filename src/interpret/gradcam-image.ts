/**
 * Grad-CAM on one picture: the model input from a PNG/JPEG or a raw tensor, and the maps drawn
 * as heat maps over the picture. What `cleave gradcam` writes, without the files.
 */
import { BadRequestError } from '../errors.js';
import { decodeImage, encodePng, type RgbaImage, sniffImage } from '../image/decode.js';
import { normaliseMap, overlayHeatmap, tensorToImage } from '../image/heatmap.js';
import { isNpy, parseNpy, parseRawFloat32 } from '../image/npy.js';
import { imageToTensor, type Normalisation, upscaleNearest } from '../image/transform.js';
import type { GradCamResult } from './gradcam-run.js';

/** A model input and the picture to draw the maps over. */
export interface CamInput {
  readonly x: Float32Array;
  readonly picture: RgbaImage;
}

/**
 * The input of an image model [1, C, H, W] from a file's bytes: a PNG or JPEG (converted to C
 * channels, resized to H x W, scaled to [0, 1], then normalised), or a .npy / raw float32 file
 * holding exactly the model input (drawn as its own picture).
 */
export function camInput(bytes: Uint8Array, dims: readonly number[], what: string, normalisation: Normalisation = {}): CamInput {
  if (dims.length !== 4) throw new BadRequestError(`the model input has shape [${dims.join(', ')}]; gradcam takes image models [N, C, H, W]`);
  const [, channels, height, width] = dims as [number, number, number, number];
  if (sniffImage(bytes)) {
    const picture = decodeImage(bytes, what);
    return { x: imageToTensor(picture, channels, height, width, normalisation), picture };
  }
  const t = isNpy(bytes) ? parseNpy(bytes, what) : parseRawFloat32(bytes, dims, what);
  const n = dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== n) throw new BadRequestError(`${what} holds a tensor [${t.dims.join(', ')}]; the model input is [${dims.join(', ')}]`);
  return { x: t.data, picture: tensorToImage(t.data, channels, height, width) };
}

/** Pixels across an overlay at least: small inputs (28x28 digits) are enlarged to be seen. */
const MIN_OVERLAY_SIDE = 224;

/**
 * One PNG per layer: the map (normalised to [0, 1]) as a heat map over the picture with opacity
 * `alpha`, the picture enlarged by a whole factor to at least `minSide` pixels across.
 */
export function camOverlays(picture: RgbaImage, result: GradCamResult, alpha: number, minSide = MIN_OVERLAY_SIDE): { layer: string; png: Uint8Array }[] {
  const big = upscaleNearest(picture, Math.max(1, Math.floor(minSide / Math.max(picture.width, picture.height))));
  return result.maps.map((m) => {
    const [h, w] = m.spatial.length === 2 ? (m.spatial as [number, number]) : [1, m.values.length];
    return { layer: m.layer, png: encodePng(overlayHeatmap(big, normaliseMap(m.values), h, w, alpha)) };
  });
}

/** The result of one picture as JSON: its class, score, logits and each layer's map (6 significant digits). */
export function camJson(result: GradCamResult) {
  return {
    class: result.classes[0],
    score: result.scores[0],
    logits: Array.from(result.logits),
    layers: result.maps.map((m) => ({ layer: m.layer, shape: m.spatial, map: Array.from(m.values, (v) => Number(v.toPrecision(6))) })),
  };
}
