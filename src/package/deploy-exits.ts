/**
 * The early exits a plan entry enables, made ready for the edge. `cleave plan` sweeps the
 * exits of a model given as statistics (--exits); the model holding the trained branches is
 * the one `cleave exits add/train/calibrate` wrote from the plan's model. A deployment takes
 * that model, checks that its backbone is the plan's model (same main output, every weight
 * unchanged), keeps only the enabled exits (the plan timed and sized only those) and reads their
 * temperatures. An exit runs on the edge only when the head computes the tensor it reads.
 *
 * The plan records thresholds on one "confidence >= threshold" scale (src/exits' policy.ts):
 * max softmax in [0, 1], or minus the entropy (<= 0). The edge client and the edge config take
 * them in the policy's own terms (an entropy bound in nats for "entropy"), so the sign decides.
 */
import { BadRequestError } from '../errors.js';
import { readTemperatures, TEMPERATURES_METADATA_KEY } from '../exits/apply-temperatures.js';
import { EXITS_METADATA_KEY, withMetadata } from '../exits/insert.js';
import { type ExitPolicy, tauOf } from '../exits/policy.js';
import { type ExitStructure, exitStructure } from '../exits/structure.js';
import { tensorValue } from '../onnx/tensor.js';
import type { ModelProto } from '../onnx/types.js';
import type { PlannedExit } from '../qos/configuration.js';
import { declaredOutput, keepOutputs } from '../graph/prune.js';

/** An exit as deployed: its output in the head, the tensor it reads, its threshold and temperature. */
export interface DeployedExit {
  /** `exit_<k>_logits`, an output of the head */
  readonly output: string;
  readonly after: string;
  /** in the policy's terms: max softmax >= threshold, or entropy (nats) <= threshold */
  readonly threshold: number;
  /** the temperature its logits are divided by in the graph (null: not calibrated) */
  readonly temperature: number | null;
}

/** The enabled exits of an entry, ready to graft onto a head. */
export interface EnabledExits {
  readonly policy: ExitPolicy;
  readonly exits: readonly DeployedExit[];
  /** the exits model with its main output and the enabled exits only (the rest pruned) */
  readonly model: ModelProto;
  readonly structure: ExitStructure;
}

/** The policy the plan's thresholds were taken under: minus-entropy thresholds are negative. */
export function exitPolicyOf(exits: readonly PlannedExit[], where: string): ExitPolicy {
  const negative = exits.filter((e) => e.threshold < 0).length;
  if (negative > 0 && negative < exits.length) throw new BadRequestError(`${where}: the thresholds mix max-softmax (>= 0) and minus-entropy (< 0) values; one policy holds for all exits`);
  if (negative === 0) {
    const over = exits.find((e) => e.threshold > 1);
    if (over) throw new BadRequestError(`${where}: exit "${over.name}" has threshold ${over.threshold}, which is neither a max softmax (0..1) nor minus an entropy (< 0)`);
  }
  return negative > 0 ? 'entropy' : 'max-softmax';
}

/** Throws unless `exitsModel`'s backbone is `planModel`: the same main output and every weight the same. */
export function checkBackbone(planModel: ModelProto, exitsModel: ModelProto, structure: ExitStructure, what: string): void {
  const main = planModel.graph.output[0]?.name;
  if (structure.mainOutput !== main) throw new BadRequestError(`${what}: its main output is "${structure.mainOutput}", the plan's model's is "${main}": give the model \`cleave exits add\` made from the plan's model`);
  const theirs = new Map(exitsModel.graph.initializer.map((t) => [t.name, t]));
  for (const t of planModel.graph.initializer) {
    const o = theirs.get(t.name);
    const same = o !== undefined && o.dims.map(Number).join() === t.dims.map(Number).join() && sameValues(tensorValue(o).data, tensorValue(t).data);
    if (!same) throw new BadRequestError(`${what}: weight "${t.name}" ${o ? 'differs from' : 'is missing from'} the plan's model; the exits must be added to the planned model with its backbone frozen (\`cleave exits train\` without --joint), or plan the model with the exits`);
  }
}

function sameValues(a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(Number(a[i])) && Number.isNaN(Number(b[i])))) return false;
  return true;
}

/** The exits `planned` enables, out of `exitsModel` (checked against the plan's model). */
export function enabledExits(planModel: ModelProto, exitsModel: ModelProto, planned: readonly PlannedExit[], what: string, where: string): EnabledExits {
  const structure = exitStructure(exitsModel, planModel.graph.output[0]?.name);
  checkBackbone(planModel, exitsModel, structure, what);
  const policy = exitPolicyOf(planned, where);
  const temperatures = readTemperatures(exitsModel);
  const exits = planned.map((p, j): DeployedExit => {
    const info = structure.exits.find((e) => e.output === p.name);
    if (!info) throw new BadRequestError(`${where}: field "exits[${j}].name" is "${p.name}", which ${what} does not have (its exits: ${structure.exits.map((e) => e.output).join(', ')})`);
    if (info.at !== p.after) throw new BadRequestError(`${where}: field "exits[${j}].after" is "${p.after}", but in ${what} exit "${p.name}" reads "${info.at}"`);
    return { output: p.name, after: p.after, threshold: tauOf(policy, p.threshold), temperature: temperatures[p.name] ?? null };
  });
  const names = new Set(exits.map((e) => e.output));
  const listed = structure.exits.filter((e) => names.has(e.output)).map((e) => ({ output: e.output, at: e.at, branch: e.branch }));
  const kept = Object.fromEntries(Object.entries(temperatures).filter(([k]) => names.has(k)));
  let model = keepOutputs(exitsModel, [declaredOutput(exitsModel, structure.mainOutput), ...exits.map((e) => declaredOutput(exitsModel, e.output))]);
  // The metadata lists what the model now holds: the enabled exits and their temperatures.
  model = { ...model, metadataProps: withMetadata(model, EXITS_METADATA_KEY, JSON.stringify(listed)) };
  model = { ...model, metadataProps: Object.keys(kept).length ? withMetadata(model, TEMPERATURES_METADATA_KEY, JSON.stringify(kept)) : (model.metadataProps ?? []).filter((e) => e.key !== TEMPERATURES_METADATA_KEY) };
  return { policy, exits, model, structure: { ...structure, exits: structure.exits.filter((e) => names.has(e.output)) } };
}
