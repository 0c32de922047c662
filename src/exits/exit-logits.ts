/**
 * Runs a model with exits over labelled images in ONNX Runtime and keeps every exit's logits
 * and the main output's: one run per batch gives them all (the branches only read the
 * backbone), so statistics of any policy can then be computed from the logits alone.
 */
import { makeBatch } from '../data/batches.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { BadRequestError } from '../errors.js';
import { modelInputChw } from '../interpret/isplit-data.js';
import type { ModelProto } from '../onnx/types.js';
import { Session } from '../runtime/session.js';
import type { LogitSet } from './calibration.js';
import { type Distortion, distorter } from './distortion.js';
import { type ExitStructure, exitStructure } from './structure.js';

export interface ExitLogitsOptions {
  /** images per ORT run (default 256) */
  readonly batch?: number;
  readonly threads?: number;
  /** applied to the pixels before the model sees them (default none) */
  readonly distortion?: Distortion;
  /** the noise's seed (default 1) */
  readonly seed?: number;
  /** the classifier output, when the model has several besides its exits */
  readonly mainOutput?: string;
}

/** Logits of the exits (in order of depth) and of the main output on the same images. */
export interface ExitLogits {
  readonly structure: ExitStructure;
  readonly exits: readonly LogitSet[];
  readonly main: LogitSet;
}

/** The logits of every exit and of the main output on every image of `data`. */
export async function exitLogits(model: ModelProto, data: ImageDataset, options: ExitLogitsOptions = {}): Promise<ExitLogits> {
  // Bounds: the model has one image input (modelInputChw checked), the run returns every output asked for, 2-D (checked), and k < names.length = parts.length; sets has names.length >= 1 entries.
  const structure = exitStructure(model, options.mainOutput);
  const [c, h, w] = modelInputChw(model);
  if (data.channels !== c || data.height !== h || data.width !== w) throw new BadRequestError(`the images are ${data.channels}x${data.height}x${data.width} but the model takes ${c}x${h}x${w}`);
  if (data.count === 0) throw new BadRequestError('no images to run the exits on');
  const batchSize = options.batch ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BadRequestError(`batch must be a positive integer, got ${batchSize}`);
  const names = [...structure.exits.map((e) => e.output), structure.mainOutput];
  const distort = options.distortion ? distorter(options.distortion, options.seed ?? 1) : undefined;
  const session = await Session.fromModel(model, { threads: options.threads });
  const input = session.inputNames[0]!;
  const parts: Float32Array[][] = names.map(() => []);
  let classes = 0;
  try {
    for (let start = 0; start < data.count; start += batchSize) {
      const size = Math.min(batchSize, data.count - start);
      const b = makeBatch(data, Array.from({ length: size }, (_, k) => start + k));
      const dims = [size, c, h, w];
      distort?.(b.x, dims);
      const out = await session.run({ [input]: { dtype: 'float32', dims, data: b.x } }, names);
      names.forEach((n, k) => {
        const t = out[n]!;
        if (t.dims.length !== 2 || t.dims[0] !== size) throw new BadRequestError(`output "${n}" has shape [${t.dims.join(', ')}], expected [${size}, classes]`);
        classes = t.dims[1]!;
        parts[k]!.push(Float32Array.from(t.data as Float32Array));
      });
    }
  } finally {
    await session.release();
  }
  if (classes < 2) throw new BadRequestError(`the outputs have ${classes} class(es); exits need a classifier`);
  const sets = parts.map((list): LogitSet => {
    const logits = new Float32Array(data.count * classes);
    let offset = 0;
    for (const p of list) {
      logits.set(p, offset);
      offset += p.length;
    }
    return { logits, labels: data.labels, classes };
  });
  return { structure, exits: sets.slice(0, -1), main: sets[sets.length - 1]! };
}
