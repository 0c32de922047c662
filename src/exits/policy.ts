/**
 * Exit policies and what they do on held-out samples (the exits issue, item 4). A sample leaves
 * at the first enabled exit that is sure enough: max softmax >= tau ("max-softmax"), or
 * entropy <= tau ("entropy", natural log; POPEX's authors' older rule). Both become one
 * "confidence >= threshold" test: the confidence of the entropy policy is minus the entropy,
 * its threshold minus tau, so the sample matrices and the planner serve both.
 */
import { BadRequestError } from '../errors.js';
import type { LogitSet } from './calibration.js';
import { type ExitSamples, policyOutcome, type SampleMatrix } from './exit-samples.js';
import { type Confidences, softmaxConfidences } from './reliability.js';

export type ExitPolicy = 'max-softmax' | 'entropy';
export const EXIT_POLICIES: readonly ExitPolicy[] = ['max-softmax', 'entropy'];

/** An exit as a deployment runs it: where it is, what POPEX needs of it, and its threshold. */
export interface DeployedExit {
  /** the head output with its logits, `exit_<k>_logits` */
  readonly output: string;
  /** the layer it follows */
  readonly after: string;
  readonly edgeMs: number;
  /** fraction of the samples reaching it that leave there at `threshold` (from `cleave exits evaluate`) */
  readonly exitProbability: number;
  /** max softmax >= threshold, or entropy <= threshold (nats) */
  readonly threshold: number;
}

/** The default tau grids: max-softmax confidences; entropies in nats (10 classes: at most ln 10 = 2.30). */
export const DEFAULT_TAUS: Readonly<Record<ExitPolicy, readonly number[]>> = {
  'max-softmax': [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99],
  entropy: [0.05, 0.1, 0.2, 0.4, 0.7, 1, 1.5],
};

/** The threshold on the confidence scale of a policy's tau. */
export function thresholdOf(policy: ExitPolicy, tau: number): number {
  return policy === 'entropy' ? -tau : tau;
}

/** The tau of a threshold on the confidence scale. */
export function tauOf(policy: ExitPolicy, threshold: number): number {
  return policy === 'entropy' ? -threshold : threshold;
}

/** Checks a tau grid for a policy: probabilities in [0, 1], or entropies >= 0. */
export function checkTaus(policy: ExitPolicy, taus: readonly number[]): readonly number[] {
  if (taus.length === 0) throw new BadRequestError('give at least one threshold');
  for (const t of taus) {
    const ok = Number.isFinite(t) && t >= 0 && (policy === 'entropy' || t <= 1);
    if (!ok) throw new BadRequestError(`a ${policy} threshold must be ${policy === 'entropy' ? 'an entropy >= 0 (nats)' : 'a probability in [0, 1]'}, got ${t}`);
  }
  return taus;
}

/** Per sample: the entropy (nats) of softmax(logits). */
export function entropies(set: LogitSet): Float64Array {
  // Bounds: a LogitSet holds labels.length rows of classes logits.
  const { logits, labels, classes } = set;
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const row = i * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]!);
    let sum = 0;
    let weighted = 0;
    for (let c = 0; c < classes; c++) {
      const d = logits[row + c]! - max;
      const e = Math.exp(d);
      sum += e;
      weighted += e * d;
    }
    // p_c = e^{d_c} / S, so H = -sum p_c log p_c = log S - (sum e^{d_c} d_c) / S.
    out[i] = Math.log(sum) - weighted / sum;
  }
  return out;
}

/**
 * Per sample: the policy's confidence (max softmax, or minus the entropy, of the logits) and
 * whether the arg-max is the label (ties: the first class).
 */
export function policyConfidences(set: LogitSet, policy: ExitPolicy): Confidences {
  const softmax = softmaxConfidences(set);
  return policy === 'entropy' ? { confidence: entropies(set).map((h) => -h), correct: softmax.correct } : softmax;
}

/** The sample matrix of exits (in order of depth) and the main output: the planner's input. */
export function sampleMatrix(exits: readonly LogitSet[], main: LogitSet, policy: ExitPolicy): SampleMatrix {
  // Bounds: i < n samples, and every set has n (checked); j < m exits.
  const n = main.labels.length;
  const m = exits.length;
  const confidence = new Float64Array(n * m);
  const correct = new Uint8Array(n * m);
  exits.forEach((set, j) => {
    if (set.labels.length !== n) throw new BadRequestError(`exit ${j} has ${set.labels.length} samples, the main output ${n}`);
    const c = policyConfidences(set, policy);
    for (let i = 0; i < n; i++) {
      confidence[i * m + j] = c.confidence[i]!;
      correct[i * m + j] = c.correct[i]!;
    }
  });
  return { samples: n, exits: m, confidence, correct, mainCorrect: policyConfidences(main, policy).correct };
}

/** The JSON form of a sample matrix (ExitSamples: what `planExits` reads). */
export function samplesJson(matrix: SampleMatrix): ExitSamples {
  const { samples: n, exits: m } = matrix;
  return {
    confidence: Array.from({ length: n }, (_, i) => Array.from(matrix.confidence.subarray(i * m, (i + 1) * m))),
    correct: Array.from({ length: n }, (_, i) => Array.from(matrix.correct.subarray(i * m, (i + 1) * m), (v) => v === 1)),
    mainCorrect: Array.from(matrix.mainCorrect, (v) => v === 1),
  };
}

/** One exit under one tau. */
export interface ExitRow {
  /** samples reaching the exit, and leaving there */
  readonly reached: number;
  readonly left: number;
  /** left / reached: POPEX's exit probability (null when none reach it) */
  readonly exitFraction: number | null;
  /** right answers among those leaving (null when none leave) */
  readonly accuracyLeaving: number | null;
}

/** The policy with one tau on every exit. */
export interface TauRow {
  readonly tau: number;
  readonly exits: readonly ExitRow[];
  /** fraction of all samples answered by the main output */
  readonly mainFraction: number;
  /** right answers of the main output among those it answers (null when none) */
  readonly mainAccuracy: number | null;
  /** right answers over all samples, whoever answered */
  readonly accuracy: number;
}

/** What each exit and the main output answer alone, on every sample. */
export interface ExitAccuracies {
  readonly exits: readonly number[];
  readonly main: number;
}

/** The accuracy of each exit and of the main output, each on every sample. */
export function exitAccuracies(matrix: SampleMatrix): ExitAccuracies {
  // Bounds: j < m, the length of right, and the matrix holds n rows of m.
  const { samples: n, exits: m } = matrix;
  const right = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) right[j] = right[j]! + matrix.correct[i * m + j]!;
  return { exits: right.map((r) => r / n), main: matrix.mainCorrect.reduce((s, v) => s + v, 0) / n };
}

/** For each tau of the grid, applied to every exit: the exits' fractions and accuracies and the policy's. */
export function tauTable(matrix: SampleMatrix, policy: ExitPolicy, taus: readonly number[]): TauRow[] {
  // Bounds: the outcome has one entry per exit in each array.
  checkTaus(policy, taus);
  return taus.map((tau) => {
    const o = policyOutcome(matrix, new Array<number>(matrix.exits).fill(thresholdOf(policy, tau)));
    return {
      tau,
      exits: o.reached.map((reached, j) => {
        const left = o.left[j]!;
        return { reached, left, exitFraction: reached ? left / reached : null, accuracyLeaving: left ? o.leftCorrect[j]! / left : null };
      }),
      mainFraction: o.mainAnswered / matrix.samples,
      mainAccuracy: o.mainAnswered ? o.mainRight / o.mainAnswered : null,
      accuracy: o.accuracy,
    };
  });
}
