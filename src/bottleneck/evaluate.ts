import { BadRequestError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto } from '../onnx/types.js';
import { Session } from '../runtime/session.js';
import { makeBatch } from '../data/batches.js';
import type { ImageDataset } from '../data/image-dataset.js';

export interface AccuracyOptions {
  /** images per run, default 256 (the model's batch dimension must be symbolic) */
  readonly batch?: number;
  readonly threads?: number;
}

/** Overall and per-class (by true label) arg-max accuracy. */
export interface Accuracy {
  readonly accuracy: number;
  readonly correct: number;
  readonly count: number;
  /** per class: correct / images of that class (NaN when the data has none) */
  readonly perClass: readonly number[];
}

/** Arg-max accuracy of an inference model (input x / 255, first output the logits) on a dataset. */
export async function accuracyOf(model: ModelProto, data: ImageDataset, options: AccuracyOptions = {}): Promise<Accuracy> {
  // Bounds: one input (checked) and at least one output (a model has one); the run returns the logits it was asked for; i < b.size and c < classes stay inside z, and a label < data.classes indexes hits and seen.
  const g = graphFromModel(model);
  if (g.inputs.length !== 1) throw new BadRequestError(`the model has ${g.inputs.length} inputs; accuracy needs one image input`);
  const input = g.inputs[0]!.name;
  const logits = g.outputs[0]!.name;
  const session = await Session.fromModel(model, { threads: options.threads });
  const size = options.batch ?? 256;
  let correct = 0;
  const hits = new Array<number>(data.classes).fill(0);
  const seen = new Array<number>(data.classes).fill(0);
  try {
    for (let start = 0; start < data.count; start += size) {
      const idx = Array.from({ length: Math.min(size, data.count - start) }, (_, k) => start + k);
      const b = makeBatch(data, idx, data.classes);
      const out = await session.run({ [input]: { dtype: 'float32', dims: [b.size, data.channels, data.height, data.width], data: b.x } }, [logits]);
      const z = out[logits]!.data as Float32Array;
      const classes = z.length / b.size;
      for (let i = 0; i < b.size; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (z[i * classes + c]! > z[i * classes + best]!) best = c;
        const label = b.labels[i]!;
        seen[label] = seen[label]! + 1;
        if (best === label) {
          correct++;
          hits[label] = hits[label]! + 1;
        }
      }
    }
  } finally {
    await session.release();
  }
  return { accuracy: data.count ? correct / data.count : 0, correct, count: data.count, perClass: hits.map((h, c) => h / seen[c]!) };
}
