/**
 * The per-sample statistics of a model's exits as a file: what `cleave exits evaluate
 * --samples` writes and `cleave exits plan` reads. One set of samples per image condition
 * (clean, each noise and blur strength), each in the planner's ExitSamples form, the columns in
 * the order of `exits`:
 *
 * ```json
 * { "policy": "max-softmax", "data": "fashion-mnist",
 *   "exits": [ { "output": "exit_0_logits", "at": "block1.pool", "flops": 3658, "bytes": 14488, "opClass": "gemm", "paramBytes": 376 } ],
 *   "thresholds": [0.5, 0.9],
 *   "provenance": { "data": "fashion-mnist", "split": "test", "from": 5000, "count": 5000 },
 *   "sets": [ { "condition": "clean", "samples": { "confidence": [[0.93]], "correct": [[true]], "mainCorrect": [true] } } ] }
 * ```
 *
 * `cleave plan --exits` reads the same file (its clean set): each exit's cost (`flops`, `bytes`
 * moved, `opClass` of its heaviest node, `paramBytes` of weights: what the edge runs), the
 * threshold grid in the policy's confidence sense, and which images the samples are of
 * (samples-provenance.ts). Files written before these were recorded lack them: `exits plan`
 * needs none of them.
 */
import type { OpClass } from '../profile/device-profile.js';
import { OP_CLASSES } from '../profile/device-profile.js';
import type { ExitSamples } from './exit-samples.js';
import { BadFieldError, readArray, readNumber, readObject, readString } from './fields.js';
import { EXIT_POLICIES, type ExitPolicy } from './policy.js';
import { readSamplesProvenance, type SamplesProvenance } from './samples-provenance.js';

/** What an exit's branch costs on the edge per inference (counted from the analysis of the model with exits). */
export interface BranchCost {
  readonly flops: number;
  readonly bytes: number;
  readonly opClass: OpClass;
  readonly paramBytes: number;
}

export interface SampleSet {
  /** "clean", "noise 0.1", "blur 1.5" */
  readonly condition: string;
  readonly samples: ExitSamples;
}

export interface ExitSamplesFile {
  readonly policy: ExitPolicy;
  /** the images' source, for the record */
  readonly data?: string;
  readonly exits: readonly ({ readonly output: string; readonly at: string } & Partial<BranchCost>)[];
  /** the threshold grid, in the policy's confidence sense (minus tau for entropy) */
  readonly thresholds?: readonly number[];
  readonly provenance?: SamplesProvenance;
  readonly sets: readonly SampleSet[];
}

const COST_FIELDS = ['flops', 'bytes', 'opClass', 'paramBytes'] as const;

function readCost(o: Readonly<Record<string, unknown>>, field: string): Partial<BranchCost> {
  if (COST_FIELDS.every((k) => o[k] === undefined)) return {};
  const missing = COST_FIELDS.find((k) => o[k] === undefined);
  if (missing) throw new BadFieldError(`${field}.${missing}`, `is missing (an exit's cost is flops, bytes, opClass and paramBytes together)`);
  const opClass = readString(o.opClass, `${field}.opClass`);
  if (!OP_CLASSES.includes(opClass as OpClass)) throw new BadFieldError(`${field}.opClass`, `must be ${OP_CLASSES.join(', ')}, got "${opClass}"`);
  return { flops: readNumber(o.flops, `${field}.flops`, { min: 0 }), bytes: readNumber(o.bytes, `${field}.bytes`, { min: 0 }), opClass: opClass as OpClass, paramBytes: readNumber(o.paramBytes, `${field}.paramBytes`, { min: 0 }) };
}

/** At most this many conditions in one file. */
const MAX_SETS = 64;

/** Checks the envelope of a samples file (the matrices are checked by the planner); errors name the field. */
export function readExitSamplesFile(value: unknown): ExitSamplesFile {
  const top = readObject(value, '', ['policy', 'exits', 'sets'], ['data', 'thresholds', 'provenance']);
  const policy = readString(top.policy, 'policy');
  if (!EXIT_POLICIES.includes(policy as ExitPolicy)) throw new BadFieldError('policy', `must be ${EXIT_POLICIES.join(' or ')}, got "${policy}"`);
  const exits = readArray(top.exits, 'exits', 64, 1).map((v, j) => {
    const o = readObject(v, `exits[${j}]`, ['output', 'at'], COST_FIELDS);
    return { output: readString(o.output, `exits[${j}].output`), at: readString(o.at, `exits[${j}].at`), ...readCost(o, `exits[${j}]`) };
  });
  const thresholds = top.thresholds === undefined ? undefined : readArray(top.thresholds, 'thresholds', 100, 1).map((t, i) => readNumber(t, `thresholds[${i}]`));
  const sets = readArray(top.sets, 'sets', MAX_SETS, 1).map((v, k) => {
    const o = readObject(v, `sets[${k}]`, ['condition', 'samples']);
    return { condition: readString(o.condition, `sets[${k}].condition`), samples: o.samples as ExitSamples };
  });
  return {
    policy: policy as ExitPolicy,
    ...(top.data === undefined ? {} : { data: readString(top.data, 'data') }),
    exits,
    ...(thresholds ? { thresholds } : {}),
    ...(top.provenance === undefined ? {} : { provenance: readSamplesProvenance(top.provenance, 'provenance') }),
    sets,
  };
}
