/**
 * Temperature scaling (Guo et al. 2017): one T > 0 divides a classifier's logits so that its
 * softmax confidences match its accuracy, fitted by minimising the negative log-likelihood on
 * held-out samples. The fit runs over u = log T, so T = e^u > 0 whatever the data (POPEX's
 * published fit, unconstrained, returned T = -2175 on one model).
 *
 * With beta = 1/T = e^-u and p = softmax(beta z):
 *   NLL(beta)  = mean [logsumexp(beta z) - beta z_y]
 *   NLL'(beta) = mean [E_p z - z_y],   NLL''(beta) = mean Var_p z >= 0   (convex in beta)
 *   dNLL/du = -beta NLL'(beta),   d2NLL/du2 = beta NLL'(beta) + beta^2 NLL''(beta)
 * NLL is convex in beta, so dNLL/du changes sign once: Newton steps on u, kept inside a
 * bisection bracket on that sign, find the minimum. One evaluation is one pass over the
 * logits (n x classes multiply-adds), cheap enough in JS.
 */
import { BadRequestError } from '../errors.js';

/** Logits of one classifier on held-out samples, row-major [samples, classes], and the true labels. */
export interface LogitSet {
  readonly logits: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly classes: number;
}

export interface TemperatureFit {
  /** the fitted T (divides the logits) */
  readonly temperature: number;
  /** mean NLL at T = 1 and at the fitted T */
  readonly nllBefore: number;
  readonly nllAfter: number;
  /** Newton or bisection steps taken */
  readonly iterations: number;
  /** the minimum lies at a bound of the search (the data want T <= MIN or >= MAX) */
  readonly atBound: boolean;
}

/** The search range of T: a calibrated network is rarely off by more than 100x either way. */
export const MIN_TEMPERATURE = 1e-2;
export const MAX_TEMPERATURE = 1e2;

function check(sets: readonly LogitSet[]): number {
  // Bounds: i < rows = labels.length, and i < logits.length.
  let n = 0;
  sets.forEach((s, k) => {
    const rows = s.labels.length;
    if (!Number.isInteger(s.classes) || s.classes < 2) throw new BadRequestError(`logit set ${k}: classes must be an integer >= 2, got ${s.classes}`);
    if (s.logits.length !== rows * s.classes) throw new BadRequestError(`logit set ${k}: ${s.logits.length} logits for ${rows} labels x ${s.classes} classes`);
    for (let i = 0; i < rows; i++) {
      const y = s.labels[i]!;
      if (!Number.isInteger(y) || y < 0 || y >= s.classes) throw new BadRequestError(`logit set ${k}: label ${i} is ${y}, not a class in [0, ${s.classes})`);
    }
    for (let i = 0; i < s.logits.length; i++) if (!Number.isFinite(s.logits[i]!)) throw new BadRequestError(`logit set ${k}: logit ${i} is ${s.logits[i]}`);
    n += rows;
  });
  if (n === 0) throw new BadRequestError('no samples to calibrate on');
  return n;
}

/** Mean NLL and its first two derivatives in beta = 1/T, over every sample of every set. */
function nllAndDerivatives(sets: readonly LogitSet[], beta: number, n: number): [number, number, number] {
  // Bounds: a LogitSet holds labels.length rows of classes logits, and a label is < classes.
  let nll = 0;
  let d1 = 0;
  let d2 = 0;
  for (const { logits, labels, classes } of sets) {
    for (let i = 0; i < labels.length; i++) {
      const row = i * classes;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, beta * logits[row + c]!);
      let sum = 0;
      let mean = 0;
      let square = 0;
      for (let c = 0; c < classes; c++) {
        const z = logits[row + c]!;
        const e = Math.exp(beta * z - max);
        sum += e;
        mean += e * z;
        square += e * z * z;
      }
      mean /= sum;
      const zy = logits[row + labels[i]!]!;
      nll += max + Math.log(sum) - beta * zy;
      d1 += mean - zy;
      d2 += Math.max(0, square / sum - mean * mean);
    }
  }
  return [nll / n, d1 / n, d2 / n];
}

/** Mean NLL of the logits divided by T. */
export function meanNll(sets: LogitSet | readonly LogitSet[], temperature: number): number {
  const list = Array.isArray(sets) ? (sets as readonly LogitSet[]) : [sets as LogitSet];
  return nllAndDerivatives(list, 1 / temperature, check(list))[0];
}

/**
 * Fits one temperature to one classifier's logits, or one shared T to several (the global T
 * of all exits: their NLLs summed).
 */
export function fitTemperature(sets: LogitSet | readonly LogitSet[]): TemperatureFit {
  const list = Array.isArray(sets) ? (sets as readonly LogitSet[]) : [sets as LogitSet];
  const n = check(list);
  // g(u) = dNLL/du and its derivative.
  const at = (u: number) => {
    const beta = Math.exp(-u);
    const [nll, d1, d2] = nllAndDerivatives(list, beta, n);
    return { nll, g: -beta * d1, h: beta * d1 + beta * beta * d2 };
  };
  let lo = Math.log(MIN_TEMPERATURE);
  let hi = Math.log(MAX_TEMPERATURE);
  const before = at(0);
  let u = 0;
  let here = before;
  let iterations = 0;
  for (; iterations < 200; iterations++) {
    if (here.g > 0) hi = u;
    else if (here.g < 0) lo = u;
    else break;
    // Newton when it stays strictly inside the bracket; bisection otherwise.
    const newton = here.h > 0 ? u - here.g / here.h : NaN;
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (Math.abs(next - u) < 1e-12 || hi - lo < 1e-12) break;
    u = next;
    here = at(u);
  }
  const atBound = Math.min(u - Math.log(MIN_TEMPERATURE), Math.log(MAX_TEMPERATURE) - u) < 1e-6;
  return { temperature: Math.exp(u), nllBefore: before.nll, nllAfter: here.nll, iterations, atBound };
}

/** Per-exit temperatures and one global T over all of them. */
export function fitTemperatures(sets: Readonly<Record<string, LogitSet>>): { readonly perExit: Readonly<Record<string, TemperatureFit>>; readonly global: TemperatureFit } {
  const perExit: Record<string, TemperatureFit> = {};
  for (const [name, set] of Object.entries(sets)) perExit[name] = fitTemperature(set);
  return { perExit, global: fitTemperature(Object.values(sets)) };
}
