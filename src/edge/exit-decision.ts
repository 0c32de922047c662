/**
 * The early-exit decision on the edge (pure code: it runs in the browser too). The head of a
 * model with exits outputs each exit's logits beside the cut tensor (calibrated when
 * `cleave exits calibrate` wrote the temperatures into the graph). An exit is confident when
 * the max softmax of its logits is >= its threshold ("max-softmax"), or when their softmax's
 * entropy in nats is <= it ("entropy"); the first confident exit, in order of depth, answers.
 */
import { BadRequestError } from '../errors.js';
import { checkTaus, type ExitPolicy, policyConfidences, tauOf, thresholdOf } from '../exits/policy.js';
import type { EdgeTensor } from './runtime.js';

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

/** Checks a policy's threshold (a probability in [0, 1], or an entropy >= 0), saying whose it is. */
export function checkThreshold(policy: ExitPolicy, threshold: number, what: string): number {
  try {
    checkTaus(policy, [threshold]);
  } catch (e) {
    throw new BadRequestError(`${what}: ${(e as Error).message}`);
  }
  return threshold;
}

/**
 * Per row of [rows, classes] logits, on the policy's confidence scale (src/exits/policy.ts):
 * max softmax, or minus the entropy (nats) of the softmax, so that higher is surer for both.
 */
function confidences(logits: EdgeTensor, policy: ExitPolicy): Float64Array {
  const classes = logits.dims[logits.dims.length - 1] ?? 0;
  const rows = classes === 0 ? 0 : logits.data.length / classes;
  const values = logits.data instanceof BigInt64Array ? Array.from(logits.data, Number) : logits.data;
  return policyConfidences({ logits: values, labels: new Uint8Array(rows), classes }, policy).confidence;
}

/** Per row of [rows, classes] logits: max softmax, or the entropy in nats of the softmax. */
export function exitConfidence(logits: EdgeTensor, policy: ExitPolicy): number[] {
  return Array.from(confidences(logits, policy), (c) => tauOf(policy, c));
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
    // On the confidence scale, both policies exit at confidence >= threshold; NaN never does.
    const confidence = confidences(scores, policy);
    const bar = thresholdOf(policy, threshold);
    if (confidence.length > 0 && confidence.every((c) => c >= bar)) {
      return { output: rule.output, index: rule.index ?? exitIndexOf(rule.output) ?? position, scores, confidence: Array.from(confidence, (c) => tauOf(policy, c)) };
    }
  }
  return undefined;
}
