/**
 * Held-out statistics of a model's exits kept per sample. Which samples leave at an exit depends
 * on which exits before it are on and on their thresholds, so per-exit summaries cannot give the
 * accuracy or the exit fractions of a policy with several exits; the samples themselves can,
 * exactly, for any set of enabled exits and thresholds.
 */
import { BadFieldError, readArray, readNumber } from './fields.js';

/** Per-sample exit statistics, the JSON form. */
export interface ExitSamples {
  /**
   * samples x exits: each exit's confidence on each sample (max softmax, or minus the entropy);
   * a sample leaves at an enabled exit when its confidence there is >= the exit's threshold
   */
  readonly confidence: readonly (readonly number[])[];
  /** samples x exits: is that exit's answer right */
  readonly correct: readonly (readonly boolean[])[];
  /** per sample: is the main output's answer right */
  readonly mainCorrect: readonly boolean[];
}

/** The samples as flat row-major arrays, one column per exit, in the order exits are tried. */
export interface SampleMatrix {
  readonly samples: number;
  readonly exits: number;
  readonly confidence: Float64Array;
  readonly correct: Uint8Array;
  readonly mainCorrect: Uint8Array;
}

/** At most this many held-out samples. */
export const MAX_EXIT_SAMPLES = 1_000_000;

/**
 * Checks per-sample statistics for `columns.length` exits and lays them out with column j of
 * the matrix taken from input column `columns[j]` (so exits can be put in layer order).
 */
export function readExitSamples(value: unknown, field: string, columns: readonly number[]): SampleMatrix {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadFieldError(field, 'must be a JSON object with confidence, correct and mainCorrect');
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!['confidence', 'correct', 'mainCorrect'].includes(key)) throw new BadFieldError(`${field}.${key}`, 'unknown field (known: confidence, correct, mainCorrect)');
  const main = readArray(o.mainCorrect, `${field}.mainCorrect`, MAX_EXIT_SAMPLES, 1);
  const n = main.length;
  const m = columns.length;
  const confidence = new Float64Array(n * m);
  const correct = new Uint8Array(n * m);
  const mainCorrect = new Uint8Array(n);
  main.forEach((v, i) => { mainCorrect[i] = readBoolean(v, `${field}.mainCorrect[${i}]`); });
  const rows = (key: string) => {
    const list = readArray(o[key], `${field}.${key}`, MAX_EXIT_SAMPLES);
    if (list.length !== n) throw new BadFieldError(`${field}.${key}`, `has ${list.length} rows; mainCorrect has ${n} samples`);
    return list.map((row, i) => {
      const r = readArray(row, `${field}.${key}[${i}]`, Number.MAX_SAFE_INTEGER);
      if (r.length !== m) throw new BadFieldError(`${field}.${key}[${i}]`, `has ${r.length} values; there are ${m} exits`);
      return r;
    });
  };
  rows('confidence').forEach((r, i) => columns.forEach((c, j) => { confidence[i * m + j] = readNumber(r[c], `${field}.confidence[${i}][${c}]`); }));
  rows('correct').forEach((r, i) => columns.forEach((c, j) => { correct[i * m + j] = readBoolean(r[c], `${field}.correct[${i}][${c}]`); }));
  return { samples: n, exits: m, confidence, correct, mainCorrect };
}

function readBoolean(value: unknown, field: string): number {
  if (typeof value !== 'boolean') throw new BadFieldError(field, `must be true or false, got ${JSON.stringify(value)}`);
  return value ? 1 : 0;
}

/** What a policy does on the samples, counted. */
export interface PolicyOutcome {
  /** per exit: samples reaching it (whether or not it is on) */
  readonly reached: readonly number[];
  /** per exit: samples leaving there */
  readonly left: readonly number[];
  /** per exit: right answers among those leaving */
  readonly leftCorrect: readonly number[];
  /** samples answered by the main output, and right there */
  readonly mainAnswered: number;
  readonly mainRight: number;
  /** right answers over all samples */
  readonly accuracy: number;
}

/**
 * Runs the policy "leave at the first enabled exit whose confidence >= its threshold" over the
 * samples; `thresholds[j]` null switches exit j off.
 */
export function policyOutcome(matrix: SampleMatrix, thresholds: readonly (number | null)[]): PolicyOutcome {
  // Bounds: j < m, the length of the per-exit arrays; the matrix holds n rows of m, and i < n.
  const { samples: n, exits: m } = matrix;
  const reached = new Array<number>(m).fill(0);
  const left = new Array<number>(m).fill(0);
  const leftCorrect = new Array<number>(m).fill(0);
  let mainAnswered = 0;
  let mainRight = 0;
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (; j < m; j++) {
      // j < m, the length of these per-exit arrays; the matrix holds n rows of m, and i < n.
      reached[j]!++;
      const tau = thresholds[j];
      if (tau === null || tau === undefined || matrix.confidence[i * m + j]! < tau) continue;
      left[j]!++;
      leftCorrect[j]! += matrix.correct[i * m + j]!;
      break;
    }
    if (j === m) {
      mainAnswered++;
      mainRight += matrix.mainCorrect[i]!;
    }
  }
  const right = leftCorrect.reduce((a, b) => a + b, 0) + mainRight;
  return { reached, left, leftCorrect, mainAnswered, mainRight, accuracy: right / n };
}
