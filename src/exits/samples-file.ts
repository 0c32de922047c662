/**
 * The per-sample statistics of a model's exits as a file: what `cleave exits evaluate
 * --samples` writes and `cleave exits plan` reads. One set of samples per image condition
 * (clean, each noise and blur strength), each in the planner's ExitSamples form, the columns in
 * the order of `exits`:
 *
 * ```json
 * { "policy": "max-softmax", "data": "fashion-mnist",
 *   "exits": [ { "output": "exit_0_logits", "at": "block1.pool" } ],
 *   "sets": [ { "condition": "clean", "samples": { "confidence": [[0.93]], "correct": [[true]], "mainCorrect": [true] } } ] }
 * ```
 */
import type { ExitSamples } from './exit-samples.js';
import { BadFieldError, readArray, readObject, readString } from './fields.js';
import { EXIT_POLICIES, type ExitPolicy } from './policy.js';

export interface SampleSet {
  /** "clean", "noise 0.1", "blur 1.5" */
  readonly condition: string;
  readonly samples: ExitSamples;
}

export interface ExitSamplesFile {
  readonly policy: ExitPolicy;
  /** the images' source, for the record */
  readonly data?: string;
  readonly exits: readonly { readonly output: string; readonly at: string }[];
  readonly sets: readonly SampleSet[];
}

/** At most this many conditions in one file. */
const MAX_SETS = 64;

/** Checks the envelope of a samples file (the matrices are checked by the planner); errors name the field. */
export function readExitSamplesFile(value: unknown): ExitSamplesFile {
  const top = readObject(value, '', ['policy', 'exits', 'sets'], ['data']);
  const policy = readString(top.policy, 'policy');
  if (!EXIT_POLICIES.includes(policy as ExitPolicy)) throw new BadFieldError('policy', `must be ${EXIT_POLICIES.join(' or ')}, got "${policy}"`);
  const exits = readArray(top.exits, 'exits', 64, 1).map((v, j) => {
    const o = readObject(v, `exits[${j}]`, ['output', 'at']);
    return { output: readString(o.output, `exits[${j}].output`), at: readString(o.at, `exits[${j}].at`) };
  });
  const sets = readArray(top.sets, 'sets', MAX_SETS, 1).map((v, k) => {
    const o = readObject(v, `sets[${k}]`, ['condition', 'samples']);
    return { condition: readString(o.condition, `sets[${k}].condition`), samples: o.samples as ExitSamples };
  });
  return { policy: policy as ExitPolicy, ...(top.data === undefined ? {} : { data: readString(top.data, 'data') }), exits, sets };
}
