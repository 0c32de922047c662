/**
 * How well confidences match accuracy: the reliability bins and the expected calibration error
 * (Guo et al. 2017) with equal-width bins over (0, 1], 15 by default:
 *   ECE = sum_b (n_b / n) |accuracy_b - mean confidence_b|
 * A confidence c falls in bin b when b/B < c <= (b+1)/B (0 goes to the first bin).
 */
import { BadRequestError } from '../errors.js';
import type { LogitSet } from './calibration.js';

/** The confidence (max softmax of logits / T) and correctness of each sample. */
export interface Confidences {
  readonly confidence: Float64Array;
  readonly correct: Uint8Array;
}

export interface ReliabilityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** mean confidence and accuracy of the bin's samples (0 when empty) */
  readonly confidence: number;
  readonly accuracy: number;
}

export const ECE_BINS = 15;

/** Max softmax of logits / T per sample, and whether its argmax is the label (ties: the first class). */
export function softmaxConfidences(set: LogitSet, temperature = 1): Confidences {
  // Bounds: a LogitSet holds labels.length rows of classes logits.
  if (!(temperature > 0)) throw new BadRequestError(`the temperature must be > 0, got ${temperature}`);
  const { logits, labels, classes } = set;
  const n = labels.length;
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[row + c]! > logits[row + best]!) best = c;
    const max = logits[row + best]! / temperature;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[row + c]! / temperature - max);
    confidence[i] = 1 / sum;
    correct[i] = best === labels[i] ? 1 : 0;
  }
  return { confidence, correct };
}

/** The samples binned by confidence. */
export function reliabilityBins(c: Confidences, bins = ECE_BINS): ReliabilityBin[] {
  // Bounds: b is clamped to 0..bins - 1 and each bin array has bins entries; correct has one entry per confidence (a Confidences pair).
  if (!Number.isInteger(bins) || bins < 1) throw new BadRequestError(`bins must be a positive integer, got ${bins}`);
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const right = new Float64Array(bins);
  c.confidence.forEach((v, i) => {
    if (!(v >= 0 && v <= 1)) throw new BadRequestError(`confidence ${i} is ${v}, not in [0, 1]`);
    // b is clamped to 0..bins - 1, the length of each bin array; correct runs beside confidence (checked by the caller).
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(v * bins) - 1));
    count[b]!++;
    conf[b]! += v;
    right[b]! += c.correct[i]!;
  });
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b]!,
    confidence: count[b]! ? conf[b]! / count[b]! : 0,
    accuracy: count[b]! ? right[b]! / count[b]! : 0,
  }));
}

/** ECE over the bins: the count-weighted mean gap between accuracy and confidence. */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((s, b) => s + b.count, 0);
  return n === 0 ? 0 : bins.reduce((s, b) => s + (b.count / n) * Math.abs(b.accuracy - b.confidence), 0);
}
