import type { NodeEmitter } from '../autodiff/emitter.js';
import { BadRequestError } from '../errors.js';

/** SGD with momentum and (coupled, L2) weight decay, as torch.optim.SGD. */
export interface SgdSpec {
  readonly kind: 'sgd';
  readonly lr: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
  readonly nesterov?: boolean;
}

/** Adam with decoupled weight decay (AdamW, as torch.optim.AdamW). */
export interface AdamSpec {
  readonly kind: 'adam';
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
}

export type OptimizerSpec = SgdSpec | AdamSpec;

/** Scalars fed each step: the learning rate and, for Adam, the bias corrections 1 - beta^t. */
export const LR_INPUT = 'train/lr';
export const ADAM_BC1_INPUT = 'train/adam_bc1';
export const ADAM_BC2_INPUT = 'train/adam_bc2';

/** Nodes of one parameter's update: the new weight and new optimiser state tensors. */
export interface ParamUpdate {
  readonly weight: string;
  /** per state slot: [input name (old), output name (new)] */
  readonly state: readonly (readonly [string, string])[];
}

export function validateOptimizer(o: OptimizerSpec): void {
  const bad = (what: string) => { throw new BadRequestError(`optimizer ${o.kind}: ${what}`); };
  if (!(o.lr > 0)) bad(`learning rate must be positive, got ${o.lr}`);
  if ((o.weightDecay ?? 0) < 0) bad('weight decay must be >= 0');
  if (o.kind === 'sgd' && !((o.momentum ?? 0) >= 0 && (o.momentum ?? 0) < 1)) bad('momentum must be in [0, 1)');
  if (o.kind === 'adam') {
    for (const [k, v] of [['beta1', o.beta1 ?? 0.9], ['beta2', o.beta2 ?? 0.999]] as const) if (!(v >= 0 && v < 1)) bad(`${k} must be in [0, 1)`);
  }
}

/** Names of the optimiser state slots of a parameter (fed zeros at the start). */
export function stateSlots(o: OptimizerSpec): readonly string[] {
  if (o.kind === 'adam') return ['m', 'v'];
  return (o.momentum ?? 0) > 0 ? ['velocity'] : [];
}

/**
 * Emits one parameter's update step. SGD: g' = g + wd w; v' = mu v + g'; w' = w - lr v'
 * (Nesterov: w - lr (g' + mu v')). AdamW: m' = b1 m + (1-b1) g; v' = b2 v + (1-b2) g^2;
 * w' = w - lr ((m'/bc1) / (sqrt(v'/bc2) + eps) + wd w).
 */
export function emitUpdate(e: NodeEmitter, o: OptimizerSpec, param: string, grad: string, stateInputs: readonly string[]): ParamUpdate {
  const p = `opt/${param}`;
  const op = (type: string, inputs: readonly string[], name: string) => e.emit(type, inputs, 1, `${p}/${name}`)[0]!; // emit returns the one output asked for
  const c = (name: string, v: number) => e.constant(`${p}/${name}`, 'float32', [], [v]);
  const wd = o.weightDecay ?? 0;
  if (o.kind === 'sgd') {
    const mu = o.momentum ?? 0;
    const g = wd > 0 ? op('Add', [grad, op('Mul', [param, c('wd', wd)], 'decay')], 'g_decayed') : grad;
    if (mu === 0) return { weight: op('Sub', [param, op('Mul', [g, LR_INPUT], 'step')], 'new'), state: [] };
    const vIn = stateInputs[0]!; // stateSlots gives SGD with momentum one slot
    const v = op('Add', [op('Mul', [vIn, c('mu', mu)], 'v_decay'), g], 'velocity_new');
    const dir = o.nesterov ? op('Add', [g, op('Mul', [v, c('mu_n', mu)], 'look')], 'nesterov') : v;
    return { weight: op('Sub', [param, op('Mul', [dir, LR_INPUT], 'step')], 'new'), state: [[vIn, v]] };
  }
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.eps ?? 1e-8;
  const [mIn, vIn] = stateInputs as [string, string];
  const m = op('Add', [op('Mul', [mIn, c('b1', b1)], 'm_decay'), op('Mul', [grad, c('one_minus_b1', 1 - b1)], 'm_in')], 'm_new');
  const v = op('Add', [op('Mul', [vIn, c('b2', b2)], 'v_decay'), op('Mul', [op('Mul', [grad, grad], 'g2'), c('one_minus_b2', 1 - b2)], 'v_in')], 'v_new');
  const mHat = op('Div', [m, ADAM_BC1_INPUT], 'm_hat');
  const denom = op('Add', [op('Sqrt', [op('Div', [v, ADAM_BC2_INPUT], 'v_hat')], 'sqrt_v_hat'), c('eps', eps)], 'denom');
  let dir = op('Div', [mHat, denom], 'adam_dir');
  if (wd > 0) dir = op('Add', [dir, op('Mul', [param, c('wd', wd)], 'decay')], 'dir_decayed');
  return { weight: op('Sub', [param, op('Mul', [dir, LR_INPUT], 'step')], 'new'), state: [[mIn, m], [vIn, v]] };
}
