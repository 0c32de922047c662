/**
 * The early-exit decision on the edge (pure code: it runs in the browser too). The head of a
 * model with exits outputs each exit's logits beside the cut tensor (calibrated when
 * `cleave exits calibrate` wrote the temperatures into the graph). An exit is confident when
 * the max softmax of its logits is >= its threshold ("max-softmax"), or when their softmax's
 * entropy in nats is <= it ("entropy"); the first confident exit, in order of depth, answers.
 */
import { BadRequestError } from '../errors.js';
import type { EdgeTensor } from './runtime.js';

/** How an exit's confidence is judged. */
export type ExitPolicy = 'max-softmax' | 'entropy';
export const EXIT_POLICIES: readonly ExitPolicy[] = ['max-softmax', 'entropy'];

/** One exit the client may answer from. */
export interface ExitRule {
  /** the head output with the exit's logits, `exit_<k>_logits` */
  readonly output: string;
  /** max softmax >= threshold (a probability), or entropy <= threshold (nats, >= 0) */
  readonly threshold: number;
  /** k in the answer's origin `exit-<k>` (default: from the name `exit_<k>_logits`, else the rule's position) */
  readonly index?: number;
}

/** An exit's answer: which exit, its label and the logits it answered with. */
export interface ExitAnswer {
  readonly output: string;
  readonly index: number;
  readonly scores: EdgeTensor;
  /** per row: max softmax, or entropy (nats) */
  readonly confidence: readonly number[];
}

/** k of `exit_<k>_logits` (the names `cleave exits add` gives), else undefined. */
export function exitIndexOf(output: string): number | undefined {
  const m = /^exit_(\d+)_logits$/.exec(output);
  return m ? Number(m[1]) : undefined;
}

/** Checks a policy's threshold: a probability in [0, 1], or an entropy >= 0. */
export function checkThreshold(policy: ExitPolicy, threshold: number, what: string): number {
  const ok = Number.isFinite(threshold) && threshold >= 0 && (policy === 'entropy' || threshold <= 1);
  if (!ok) throw new BadRequestError(`${what}: a ${policy} threshold must be ${policy === 'entropy' ? 'an entropy >= 0 (nats)' : 'a probability in [0, 1]'}, got ${threshold}`);
  return threshold;
}

/**
 * Per row of [rows, classes] logits: max softmax, or the entropy in nats of the softmax. With
 * d_c = z_c - max z and S = sum e^{d_c}: max softmax = 1 / S, H = log S - (sum e^{d_c} d_c) / S.
 */
export function exitConfidence(logits: EdgeTensor, policy: ExitPolicy): number[] {
  const classes = logits.dims[logits.dims.length - 1] ?? 0;
  if (classes === 0) return [];
  const rows = logits.data.length / classes;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, Number(logits.data[r * classes + c]));
    let sum = 0;
    let weighted = 0;
    for (let c = 0; c < classes; c++) {
      const d = Number(logits.data[r * classes + c]) - max;
      const e = Math.exp(d);
      sum += e;
      weighted += e * d;
    }
    out.push(policy === 'max-softmax' ? 1 / sum : Math.log(sum) - weighted / sum);
  }
  return out;
}

/** Does a confidence pass the threshold? NaN (logits with NaN or infinities) never does. */
function confident(policy: ExitPolicy, confidence: number, threshold: number): boolean {
  return policy === 'max-softmax' ? confidence >= threshold : confidence <= threshold;
}

/**
 * The first exit, in the order of `rules` (their depth), that is confident on every row of the
 * request, or undefined when none is (then the request goes on to the server). `thresholds`
 * overrides rules' thresholds by output name; null there turns that exit off.
 */
export function decideExit(
  headOut: Readonly<Record<string, EdgeTensor>>,
  rules: readonly ExitRule[],
  policy: ExitPolicy,
  thresholds: Readonly<Record<string, number | null>> = {},
): ExitAnswer | undefined {
  for (const [position, rule] of rules.entries()) {
    const override = thresholds[rule.output];
    if (override === null) continue;
    const threshold = override === undefined ? rule.threshold : checkThreshold(policy, override, `exit "${rule.output}"`);
    const scores = headOut[rule.output];
    if (!scores) throw new BadRequestError(`the head produced no exit output "${rule.output}"`);
    const confidence = exitConfidence(scores, policy);
    if (confidence.length > 0 && confidence.every((c) => confident(policy, c, threshold))) {
      return { output: rule.output, index: rule.index ?? exitIndexOf(rule.output) ?? position, scores, confidence };
    }
  }
  return undefined;
}
