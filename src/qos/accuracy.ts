/**
 * Accuracy of each (cut, codec), measured or predicted, and of each (cut, codec, exits).
 *
 * Measured (measure.ts): top-1 accuracy on held-out images through the real numerics: the head
 * in ONNX Runtime, each image's cut tensor encoded and decoded by the codec, the tail.
 *
 * Predicted (no data): I-SPLIT's order. A lossless codec (fp32, +deflate) reproduces the uncut
 * model, so its accuracy is the base accuracy; a lossy codec is predicted to lose
 *   base x step x (1 - s)
 * where step is the codec's relative quantisation step (codec-model.ts) and s in [0, 1] the
 * cut's I-SPLIT saliency score divided by the highest (`cleave rank`; 0 for a cut without a
 * score). Salient cuts are predicted to suffer least from coarse coding, so the figures order
 * configurations the way I-SPLIT does; their scale is not a measurement and they are labelled
 * `predicted`. The base is the uncut model's accuracy when the user gives it, else 1 (figures
 * then read as accuracy relative to the uncut model).
 *
 * With exits: an exit configuration answers some samples on the edge. When its per-sample
 * decisions are known for the same images as the measured (cut, codec), the accuracy is
 * counted per sample, exactly. Otherwise it is combined as
 *   rightAtExits + rightAtMain x accuracy(cut, codec) / base
 * (the samples reaching the main output lose what the codec costs on average), and labelled
 * `predicted`.
 */
import type { CodecSpec } from '../compress/codec.js';
import type { CutCandidate } from './candidates.js';
import { relativeStep } from './codec-model.js';
import type { AccuracySource } from './configuration.js';
import type { ExitOption } from './exit-option.js';

/** Accuracy of each (cut, codec) of a sweep. */
export interface CutAccuracy {
  readonly source: AccuracySource;
  /** the uncut model's accuracy (1 when predicted without a base: figures relative to it) */
  readonly base: number;
  /** accuracy at (cut c, codec k), at c * codecs + k */
  readonly at: Float64Array;
  /** measured: per (cut, codec), whether each image was classified right */
  readonly correct?: readonly Uint8Array[];
  /** measured: mean encoded bytes of the cut tensor(s) per image at (cut, codec) (deflate depends on the data) */
  readonly payloadBytes?: Float64Array;
  /** measured: the images used */
  readonly images?: number;
}

/** I-SPLIT scores by cut tensor (S(l) of `cleave rank`). */
export type SaliencyScores = ReadonlyMap<string, number>;

/** Predicted accuracy of every (cut, codec); see the file comment. */
export function predictAccuracy(cuts: readonly CutCandidate[], codecs: readonly CodecSpec[], base = 1, scores: SaliencyScores = new Map()): CutAccuracy {
  const best = Math.max(0, ...scores.values());
  const at = new Float64Array(cuts.length * codecs.length);
  cuts.forEach((cut, c) => {
    const single = cut.placement === 'split' && cut.tensors.length === 1 ? scores.get(cut.tensors[0]!) : undefined; // a one-tensor cut
    const s = single !== undefined && best > 0 ? single / best : 0;
    codecs.forEach((codec, k) => {
      at[c * codecs.length + k] = cut.placement === 'local' ? base : base * (1 - relativeStep(codec) * (1 - s));
    });
  });
  return { source: 'predicted', base, at };
}

/** Accuracy of (cut, codec) `ck` with the exit configuration `exits`, and how it was obtained. */
export function accuracyWithExits(table: CutAccuracy, ck: number, exits: ExitOption): { accuracy: number; source: AccuracySource } {
  // Bounds: ck indexes the table's (cut, codec) pairs, and the per-sample arrays have correct.length entries (checked).
  const plain = table.at[ck]!;
  if (exits.exits.length === 0) return { accuracy: plain, source: table.source };
  const correct = table.correct?.[ck];
  const per = exits.perSample;
  if (table.source === 'measured' && correct && per && per.exitTaken.length === correct.length) {
    let right = 0;
    for (let i = 0; i < correct.length; i++) right += per.exitTaken[i]! >= 0 ? per.rightAtExit[i]! : correct[i]!;
    return { accuracy: right / correct.length, source: 'measured' };
  }
  const ratio = table.base > 0 ? plain / table.base : 0;
  return { accuracy: exits.rightAtExits + exits.rightAtMain * ratio, source: 'predicted' };
}
