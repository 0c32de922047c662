/**
 * Accuracy measured through the real numerics, as a deployment computes it: per image, the head
 * in ONNX Runtime, each cut tensor encoded and decoded by the codec on its own (as the edge
 * client sends one request per image, with its own quantisation range), the tail in ONNX
 * Runtime, argmax against the label. Remote: the image itself goes through the codec into the
 * whole model; local: the whole model. The head runs once per image for all codecs.
 */
import type { Analysis } from '../analysis/analyze.js';
import { type CodecSpec, decodeTensor, encodeTensor } from '../compress/codec.js';
import { cutModel } from '../cut/extract.js';
import { makeBatch } from '../data/batches.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { BadRequestError } from '../errors.js';
import { type Normalisation, normaliseInPlace } from '../image/transform.js';
import type { ModelProto } from '../onnx/types.js';
import { type RunTensor, Session } from '../runtime/session.js';
import type { CutAccuracy } from './accuracy.js';
import type { CutCandidate } from './candidates.js';

export interface MeasureOptions {
  /** the first `images` images of the data (default all) */
  readonly images?: number;
  readonly normalisation?: Normalisation;
  readonly threads?: number;
  /** called after each cut: cuts done, cuts in all */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Index of the largest of `n` scores from `offset`. */
function argmax(data: Float32Array, offset: number, n: number): number {
  // Bounds: c < n, and the row at offset holds n values.
  let best = 0;
  for (let c = 1; c < n; c++) if (data[offset + c]! > data[offset + best]!) best = c;
  return best;
}

/** Whether the first output of `out` names the label, for one image. */
function isRight(out: Record<string, RunTensor>, output: string, label: number): number {
  const t = out[output];
  if (!t || !(t.data instanceof Float32Array)) throw new BadRequestError(`the model's output "${output}" is not float32 class scores`);
  return argmax(t.data, 0, t.data.length) === label ? 1 : 0;
}

/** Encodes then decodes one tensor, as the edge client and the server do; returns the tensor and its encoded bytes. */
async function roundTrip(t: RunTensor, codec: CodecSpec): Promise<{ tensor: RunTensor; bytes: number }> {
  if (!(t.data instanceof Float32Array)) throw new BadRequestError(`the cut tensor is ${t.dtype}; codecs take float32 tensors`);
  const e = await encodeTensor({ dims: t.dims, data: t.data }, codec);
  const d = await decodeTensor(e.datatype, e.shape, e.bytes, e.parameters);
  return { tensor: { dtype: 'float32', dims: d.dims, data: d.data }, bytes: e.bytes.length };
}

/** Measured accuracy of every (cut, codec) on the first images of `data`. */
export async function measureAccuracy(model: ModelProto, analysis: Analysis, cuts: readonly CutCandidate[], codecs: readonly CodecSpec[], data: ImageDataset, o: MeasureOptions = {}): Promise<CutAccuracy> {
  // Bounds: one input (checked), ci < cuts.length and k < K index the cut x codec arrays of cuts.length * K entries, i < count the batch's labels, and a head run returns every cut tensor it was asked for.
  const graph = analysis.dataflow.graph;
  const inputs = graph.inputs.map((v) => v.name).filter((n) => analysis.dataflow.dataTensors.has(n));
  if (inputs.length !== 1) throw new BadRequestError(`measuring accuracy needs a model with one image input; this one has ${inputs.length}`);
  const input = inputs[0]!;
  const output = graph.outputs[0]?.name;
  if (!output) throw new BadRequestError('the model has no output');
  const count = Math.min(o.images ?? data.count, data.count);
  if (count < 1) throw new BadRequestError('no image to measure accuracy on');
  const plane = data.height * data.width;
  const pixels = data.channels * plane;
  const batch = makeBatch(data, Int32Array.from({ length: count }, (_, i) => i));
  normaliseInPlace(batch.x, data.channels, plane, o.normalisation);
  const image = (i: number): RunTensor => ({ dtype: 'float32', dims: [1, data.channels, data.height, data.width], data: batch.x.slice(i * pixels, (i + 1) * pixels) });
  const label = (i: number): number => batch.labels[i]!; // i < count, the batch's size

  const K = codecs.length;
  const at = new Float64Array(cuts.length * K);
  const correct: Uint8Array[] = Array.from({ length: cuts.length * K }, () => new Uint8Array(count));
  const payloadBytes = new Float64Array(cuts.length * K);
  const sessionOptions = o.threads !== undefined ? { threads: o.threads } : {};
  const full = await Session.fromModel(model, sessionOptions);
  try {
    let base = 0;
    for (let ci = 0; ci < cuts.length; ci++) {
      const cut = cuts[ci]!;
      // The three placements differ only in what runs before the codec and after it.
      let head: Session | undefined;
      let tail = full;
      if (cut.placement === 'split') {
        const parts = cutModel(analysis, cut.tensors);
        head = await Session.fromModel(parts.head, sessionOptions);
        tail = await Session.fromModel(parts.tail, sessionOptions);
      }
      try {
        for (let i = 0; i < count; i++) {
          const x = image(i);
          if (cut.placement === 'local') {
            const right = isRight(await full.run({ [input]: x }, [output]), output, label(i));
            for (let k = 0; k < K; k++) correct[ci * K + k]![i] = right;
            continue;
          }
          const crossing = head ? await head.run({ [input]: x }, cut.tensors) : { [input]: x };
          for (let k = 0; k < K; k++) {
            const feeds: Record<string, RunTensor> = {};
            let bytes = 0;
            for (const name of cut.tensors) {
              const r = await roundTrip(crossing[name]!, codecs[k]!);
              feeds[name] = r.tensor;
              bytes += r.bytes;
            }
            correct[ci * K + k]![i] = isRight(await tail.run(feeds, [output]), output, label(i));
            payloadBytes[ci * K + k] = payloadBytes[ci * K + k]! + bytes;
          }
        }
      } finally {
        if (head) {
          await head.release();
          await tail.release();
        }
      }
      for (let k = 0; k < K; k++) {
        at[ci * K + k] = correct[ci * K + k]!.reduce((s, v) => s + v, 0) / count;
        payloadBytes[ci * K + k] = payloadBytes[ci * K + k]! / count;
      }
      if (cut.placement === 'local') base = at[ci * K]!;
      o.onProgress?.(ci + 1, cuts.length);
    }
    if (!cuts.some((c) => c.placement === 'local')) {
      let right = 0;
      for (let i = 0; i < count; i++) right += isRight(await full.run({ [input]: image(i) }, [output]), output, label(i));
      base = right / count;
    }
    return { source: 'measured', base, at, correct, payloadBytes, images: count };
  } finally {
    await full.release();
  }
}
