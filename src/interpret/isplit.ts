import { lookup } from '../checked.js';
import { analyze } from '../analysis/analyze.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel, opsetOf } from '../graph/graph.js';
import { type Normalisation, normaliseInPlace } from '../image/transform.js';
import type { ModelProto } from '../onnx/types.js';
import { makeBatch } from '../data/batches.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { GradCam } from './gradcam-run.js';
import { exposeDenseAsMaps } from './isplit-dense.js';
import { averageRanks, localMaxima } from './isplit-stats.js';

/** A candidate layer: a single-tensor cut point of the analysis. */
export interface IsplitLayer {
  readonly tensor: string;
  /** the last node of the head when cutting after this tensor */
  readonly afterNode: string;
  /** shape at batch 1 */
  readonly shape: readonly number[];
  /** bytes crossing per inference (batch 1) */
  readonly bytes: number;
  /** K: channels (features of a dense layer) */
  readonly channels: number;
  /** H x W (1 x 1 for a dense layer) */
  readonly spatial: readonly number[];
}

/** Per class, per layer: the sum over images of the Grad-CAM map H^l, and the image count. */
export interface SaliencyScan {
  readonly layers: readonly IsplitLayer[];
  readonly classes: number;
  readonly classNames: readonly string[];
  readonly target: 'predicted' | 'true';
  /** [class][layer] -> sum of H^l over that class's images (length H*W) */
  readonly sums: readonly (readonly Float64Array[])[];
  /** images scanned per (true) class */
  readonly counts: readonly number[];
  /** images whose predicted class was their true class, per class */
  readonly correct: readonly number[];
  readonly seconds: number;
}

export interface IsplitOptions {
  /** only images of these (true) classes are scanned; default every class */
  readonly classes?: readonly number[];
  /** explain the predicted class (default, as the paper) or the true one */
  readonly target?: 'predicted' | 'true';
  /** at most this many images, taken in the dataset's order (default 512) */
  readonly images?: number;
  /** Grad-CAM batch (default 32) */
  readonly batch?: number;
  /** layers to score; default every single-tensor cut point of the analysis */
  readonly layers?: readonly string[];
  /** applied after x / 255 (default none: cleave's models take [0, 1] pixels) */
  readonly normalisation?: Normalisation;
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One cut with its I-SPLIT score and the size-only baseline. */
export interface CutScore extends IsplitLayer {
  /** S(l) = |sum_ij M^l_ij| / (H W) */
  readonly score: number;
  readonly logScore: number;
  /** a local maximum of log S along the network: an I-SPLIT candidate cut */
  readonly candidate: boolean;
  /** 1 = highest S(l) */
  readonly rank: number;
  /** 1 = fewest bytes: the size-only baseline */
  readonly bytesRank: number;
}

export interface IsplitRanking {
  /** the class subset the maps were averaged over */
  readonly classes: readonly number[];
  readonly images: number;
  /** in network order */
  readonly cuts: readonly CutScore[];
  /** tensors of the local maxima of log S, in network order */
  readonly candidates: readonly string[];
  /** the global maximum of S */
  readonly recommended: string;
  /** the baseline's choice: the cut with the fewest bytes */
  readonly smallest: string;
}

/** The candidate layers of a model: single-tensor cuts whose tensor is a float activation [N, ...]. */
export function isplitLayers(model: ModelProto, only?: readonly string[]): IsplitLayer[] {
  // Bounds: a single-tensor cut has one tensor, and a float activation [1, C, ...] (checked) has its channels.
  const analysis = analyze(graphFromModel(model), { batch: 1 });
  const rows = new Map(analysis.tensors.map((t) => [t.name, t]));
  const layers: IsplitLayer[] = [];
  for (const cut of analysis.cutPoints) {
    if (cut.tensors.length !== 1) continue;
    const tensor = cut.tensors[0]!;
    const row = rows.get(tensor);
    if (!row?.shape || row.dtype !== 'float32' || row.shape.length < 2 || row.shape[0] !== 1) continue;
    if (only && !only.includes(tensor)) continue;
    const shape = row.shape;
    layers.push({ tensor, afterNode: cut.afterNode, shape, bytes: cut.bytes, channels: shape[1]!, spatial: shape.length === 2 ? [1, 1] : shape.slice(2) });
  }
  if (only) {
    const known = new Set(layers.map((l) => l.tensor));
    const missing = only.filter((t) => !known.has(t));
    if (missing.length) throw new BadRequestError(`not a single-tensor cut point of the model: ${missing.join(', ')}`);
  }
  if (layers.length === 0) throw new BadRequestError('the model has no single-tensor cut point to score');
  return layers;
}

/**
 * Runs Grad-CAM at every candidate layer (one backward pass per batch) over the images of
 * the chosen classes and sums the maps H^l = ReLU((1/K) sum_k alpha_k A_k) per true class,
 * so that any class subset's mean map M^l follows without another pass.
 */
export async function scanSaliency(model: ModelProto, data: ImageDataset, options: IsplitOptions = {}): Promise<SaliencyScan> {
  // Bounds: picked holds image indices < data.count; a label < classes (a dataset's labels are its classes) indexes counts, correct and sums; j < layers.length indexes sizes, the maps and each class's sums; c < modelClasses stays inside a row of logits.
  const t0 = performance.now();
  const layers = isplitLayers(model, options.layers);
  const graph = graphFromModel(model);
  const classes = data.classes;
  const wanted = new Set(options.classes ?? Array.from({ length: classes }, (_, c) => c));
  for (const c of wanted) if (!Number.isInteger(c) || c < 0 || c >= classes) throw new BadRequestError(`class ${c} is out of range: the data has ${classes} classes (0..${classes - 1})`);
  const limit = options.images ?? 512;
  if (!Number.isInteger(limit) || limit < 1) throw new BadRequestError(`images must be a positive integer, got ${limit}`);
  const picked: number[] = [];
  for (let i = 0; i < data.count && picked.length < limit; i++) if (wanted.has(data.labels[i]!)) picked.push(i);
  if (picked.length === 0) throw new BadRequestError(`the data holds no image of class ${[...wanted].join(', ')}`);
  const batch = Math.min(options.batch ?? 32, picked.length);
  const target = options.target ?? 'predicted';

  const dense = layers.filter((l) => l.shape.length === 2).map((l) => l.tensor);
  const { model: viewed, views } = exposeDenseAsMaps(model, dense, opsetOf(graph, '') ?? 13);
  const camName = new Map(layers.map((l) => [l.tensor, views.find((v) => v.tensor === l.tensor)?.map ?? l.tensor]));
  const cam = await GradCam.create(viewed, { layers: layers.map((l) => lookup(camName, l.tensor, 'map of an I-SPLIT layer')), batch, target: target === 'true' ? 'given' : 'predicted' }, { threads: options.threads });

  const sizes = layers.map((l) => l.spatial.reduce((a, b) => a * b, 1));
  const sums = Array.from({ length: classes }, () => sizes.map((n) => new Float64Array(n)));
  const counts = new Array<number>(classes).fill(0);
  const correct = new Array<number>(classes).fill(0);
  const plane = data.height * data.width;
  // The logits' row length is the model's class count, which may exceed the folder's (a
  // 1000-class model on a 2-class folder): the top class is searched over all of them.
  const modelClasses = cam.spec.classes;
  try {
    for (let start = 0; start < picked.length; start += batch) {
      const real = Math.min(batch, picked.length - start);
      // The model has a static batch: a short last batch is padded with its first image, whose maps are ignored.
      const idx = Array.from({ length: batch }, (_, k) => picked[start + (k < real ? k : 0)]!);
      const b = makeBatch(data, idx, classes);
      normaliseInPlace(b.x, data.channels, plane, options.normalisation);
      const r = await cam.run(b.x, target === 'true' ? Array.from(b.labels) : undefined);
      for (let k = 0; k < real; k++) {
        const label = b.labels[k]!;
        counts[label] = counts[label]! + 1;
        let best = 0;
        for (let c = 1; c < modelClasses; c++) if (r.logits[k * modelClasses + c]! > r.logits[k * modelClasses + best]!) best = c;
        if (best === label) correct[label] = correct[label]! + 1;
        layers.forEach((l, j) => {
          const n = sizes[j]!;
          const values = (r.maps[j] as { values: Float32Array }).values;
          const acc = (sums[label] as Float64Array[])[j]!;
          // gradcam-run gives ReLU(sum_k alpha_k A_k); ReLU(v / K) = ReLU(v) / K for K > 0.
          for (let p = 0; p < n; p++) acc[p] = acc[p]! + values[k * n + p]! / l.channels;
        });
      }
      options.onProgress?.(start + real, picked.length);
    }
  } finally {
    await cam.release();
  }
  return { layers, classes, classNames: data.classNames, target, sums, counts, correct, seconds: (performance.now() - t0) / 1000 };
}

export interface RankOptions {
  /**
   * Rank only cuts with a spatial map (H x W > 1): the paper's candidates are the conv/pool
   * outputs of the feature stack; a dense cut's 1 x 1 "map" is no spatial average.
   */
  readonly spatialOnly?: boolean;
}

/**
 * Ranks the cuts for a class subset: M^l = mean of H^l over the subset's images, S(l) =
 * |sum_ij M^l_ij| / (H W); candidates are the local maxima of log S along the network, the
 * recommendation its global maximum; beside it the bytes-only baseline.
 */
export function rankCuts(scan: SaliencyScan, classes?: readonly number[], options: RankOptions = {}): IsplitRanking {
  // Bounds: j indexes the scan's layers (and scores, logs, the ranks, all one per kept layer), c a class the scan counted (sums has one entry per class).
  const keep = scan.layers.map((l) => !options.spatialOnly || l.spatial.some((d) => d > 1));
  if (!keep.some(Boolean)) throw new BadRequestError('no cut with a spatial map (H x W > 1) to rank');
  const subset = classes ?? Array.from({ length: scan.classes }, (_, c) => c).filter((c) => scan.counts[c]! > 0);
  const images = subset.reduce((s, c) => s + (scan.counts[c] ?? 0), 0);
  if (images === 0) throw new BadRequestError(`no image of class ${subset.join(', ')} was scanned`);
  const layers = scan.layers.filter((_, j) => keep[j]);
  const index = scan.layers.map((_, j) => j).filter((j) => keep[j]);
  const scores = index.map((j) => {
    const l = scan.layers[j]!;
    let total = 0;
    for (const c of subset) {
      const acc = (scan.sums[c] as Float64Array[])[j]!;
      for (let p = 0; p < acc.length; p++) total += acc[p]!;
    }
    const hw = l.spatial.reduce((a, b) => a * b, 1);
    // sum_ij M_ij = sum_ij (sum over images H_ij) / images
    return Math.abs(total / images) / hw;
  });
  const logs = scores.map((s) => Math.log(s));
  const maxima = new Set(localMaxima(logs));
  const rank = averageRanks(scores, true);
  const bytesRank = averageRanks(layers.map((l) => l.bytes), false);
  const cuts: CutScore[] = layers.map((l, j) => ({
    ...l, score: scores[j]!, logScore: logs[j]!, candidate: maxima.has(j), rank: rank[j]!, bytesRank: bytesRank[j]!,
  }));
  const best = cuts.reduce((a, b) => (b.score > a.score ? b : a));
  const smallest = cuts.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  return { classes: subset, images, cuts, candidates: cuts.filter((c) => c.candidate).map((c) => c.tensor), recommended: best.tensor, smallest: smallest.tensor };
}

/** I-SPLIT in one call: scan the images, rank the cuts for `options.classes` (or all). */
export async function isplit(model: ModelProto, data: ImageDataset, options: IsplitOptions = {}): Promise<IsplitRanking> {
  return rankCuts(await scanSaliency(model, data, options), options.classes);
}
