/**
 * The decision of the exits issue's item 6 for a real model: its layer chain timed per device
 * (exit-layers.ts) and its exits' per-sample statistics (samples-file.ts) make the planner's
 * input; `planExits` then searches cut, exit subset and thresholds together, per uplink rate,
 * once per image condition of the samples file.
 */
import { BadRequestError } from '../errors.js';
import type { ExitLayers } from './exit-layers.js';
import { BadFieldError } from './fields.js';
import { type ExitPlan, planExits, type PlanObjective } from './plan.js';
import { checkTaus, thresholdOf } from './policy.js';
import type { ExitSamplesFile } from './samples-file.js';

export interface ModelPlanOptions {
  readonly uplinkMbps: readonly number[];
  readonly rttMs?: number;
  /** the tau grid of every exit, in the policy's terms (max softmax, or entropy) */
  readonly taus: readonly number[];
  readonly objective: PlanObjective;
}

/** The plan of one image condition. Thresholds in it are on the confidence scale (tauOf turns them back). */
export interface ConditionPlan {
  readonly condition: string;
  readonly plan: ExitPlan;
}

/** Plans every condition of a samples file on a model's layer chain. */
export function planModelExits(layers: ExitLayers, file: ExitSamplesFile, options: ModelPlanOptions): ConditionPlan[] {
  const fileOrder = file.exits.map((e) => e.output);
  const modelOrder = layers.exits.map((e) => e.output);
  if (fileOrder.join('\u0000') !== modelOrder.join('\u0000')) {
    throw new BadRequestError(`the samples are of exits ${fileOrder.join(', ')} but the model has ${modelOrder.join(', ')}; write them with \`cleave exits evaluate\` on this model`);
  }
  file.exits.forEach((e, j) => {
    const at = (layers.exits[j] as { after: string }).after;
    if (e.at !== at) throw new BadRequestError(`the samples' exit "${e.output}" reads "${e.at}", the model's reads "${at}"`);
  });
  const thresholds = checkTaus(file.policy, options.taus).map((t) => thresholdOf(file.policy, t));
  return file.sets.map((set, k) => ({
    condition: set.condition,
    plan: inSet(k, () => planExits({
      inputBytes: layers.inputBytes,
      rttMs: options.rttMs ?? 0,
      uplinkMbps: options.uplinkMbps,
      layers: layers.layers,
      exits: layers.exits.map((e) => ({ after: e.after, edgeMs: e.edgeMs })),
      thresholds,
      samples: set.samples,
      objective: options.objective,
    })),
  }));
}

/** Runs `f`, naming a bad field of the samples by its place in the file (`sets[1].samples...`). */
function inSet<T>(k: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BadFieldError && e.field.startsWith('samples')) throw new BadFieldError(`sets[${k}].${e.field}`, e.message.slice(e.field.length + 2));
    throw e;
  }
}
