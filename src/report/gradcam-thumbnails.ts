/**
 * Grad-CAM thumbnails for the report: a few held-out images, each with its Grad-CAM map at the
 * chosen cuts drawn over it (interpret/gradcam-image.ts's overlays), as PNG data URLs that the
 * HTML embeds (nothing to fetch).
 */
import { makeBatch } from '../data/batches.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { encodePng } from '../image/decode.js';
import { tensorToImage } from '../image/heatmap.js';
import { type Normalisation, normaliseInPlace } from '../image/transform.js';
import { camOverlays } from '../interpret/gradcam-image.js';
import { GradCam } from '../interpret/gradcam-run.js';
import type { ModelProto } from '../onnx/types.js';

export interface Thumbnail {
  /** index of the image in the data set */
  readonly image: number;
  readonly trueClass: string;
  readonly predictedClass: string;
  /** the image itself, at its own size (the page enlarges it, pixelated) */
  readonly picture: string;
  /** per layer (in the order asked), the map over the image */
  readonly overlays: readonly string[];
}

export interface ThumbnailOptions {
  /** how many images (default 4): the first image of each class in turn */
  readonly images?: number;
  readonly normalisation?: Normalisation;
  /** heat-map opacity (default 0.5) */
  readonly alpha?: number;
  readonly threads?: number;
}

/** Pixels across a thumbnail at least (the page shows them 112 px wide). */
const THUMBNAIL_SIDE = 112;

const dataUrl = (png: Uint8Array): string => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

/** The first image of each class in turn (class 0, 1, ...), `n` in all: a varied handful. */
export function pickImages(labels: ArrayLike<number>, n: number): number[] {
  const firsts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) if (!firsts.has(labels[i]!)) firsts.set(labels[i]!, i); // i < labels.length
  const picked = [...firsts].sort((a, b) => a[0] - b[0]).map(([, i]) => i).slice(0, n);
  // Fewer classes than images wanted: fill with the next images in order.
  for (let i = 0; picked.length < Math.min(n, labels.length); i++) if (!picked.includes(i)) picked.push(i);
  return picked;
}

/** Grad-CAM of the predicted class at `layers` for a few images of `data`. */
export async function gradcamThumbnails(model: ModelProto, data: ImageDataset, layers: readonly string[], o: ThumbnailOptions = {}): Promise<Thumbnail[]> {
  if (layers.length === 0) return [];
  const cam = await GradCam.create(model, { layers, batch: 1, target: 'predicted' }, { threads: o.threads });
  const plane = data.height * data.width;
  const name = (c: number | undefined): string => (c === undefined ? '?' : (data.classNames[c] ?? String(c)));
  try {
    const out: Thumbnail[] = [];
    for (const i of pickImages(data.labels, o.images ?? 4)) {
      const { x } = makeBatch(data, [i]);
      const picture = tensorToImage(x, data.channels, data.height, data.width);
      normaliseInPlace(x, data.channels, plane, o.normalisation);
      const result = await cam.run(x);
      const overlays = camOverlays(picture, result, o.alpha ?? 0.5, THUMBNAIL_SIDE);
      out.push({
        image: i,
        trueClass: name(data.labels[i]),
        predictedClass: name(result.classes[0]),
        picture: dataUrl(encodePng(picture)),
        overlays: overlays.map((v) => dataUrl(v.png)),
      });
    }
    return out;
  } finally {
    await cam.release();
  }
}
