/**
 * Training a model's exits with cleave's trainer (the exits issue, item 2):
 * - "exits" (the default): the backbone frozen: only the branches' weights train, the
 *   backbone's BatchNormalization and Dropout run as at inference, so the backbone and its
 *   output stay bit-identical; the loss is sum_k w_k CE(exit_k) (the branches are independent,
 *   so w_k only scales each branch's step; default 1);
 * - "joint": every weight trains on sum_k w_k CE(exit_k) + w_main CE(main), BranchyNet's joint
 *   loss, with POPEX's default weights linspace(0.15, 1) over the exits then the main output.
 */
import type { ImageDataset } from '../data/image-dataset.js';
import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { fit, type FitOptions, type FitResult } from '../train/fit.js';
import type { WeightedOutput } from '../train/loss.js';
import { readTemperatures } from './apply-temperatures.js';
import { type ExitStructure, exitStructure } from './structure.js';

export type ExitTrainingMode = 'exits' | 'joint';

export interface TrainExitsOptions extends Omit<FitOptions, 'logits' | 'outputs' | 'trainable' | 'frozen' | 'trainModeNodes'> {
  /** default "exits" */
  readonly mode?: ExitTrainingMode;
  /** loss weights: one per exit ("exits"), or per exit then the main output ("joint") */
  readonly weights?: readonly number[];
  /** the classifier output, when the model has several besides its exits */
  readonly mainOutput?: string;
}

export interface TrainedExits extends FitResult {
  readonly mode: ExitTrainingMode;
  /** the outputs trained and their loss weights */
  readonly outputs: readonly WeightedOutput[];
  readonly structure: ExitStructure;
}

/** linspace(from, to, n): n evenly spaced values, both ends included. */
export function linspace(from: number, to: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? to : from + ((to - from) * i) / (n - 1)));
}

/** The loss weights of `exits` exits in a mode: the given ones, checked, or the defaults. */
export function exitLossWeights(mode: ExitTrainingMode, exits: number, given?: readonly number[]): number[] {
  const count = mode === 'joint' ? exits + 1 : exits;
  if (given === undefined) return mode === 'joint' ? linspace(0.15, 1, count) : new Array<number>(count).fill(1);
  const what = mode === 'joint' ? `${exits} exits then the main output` : `${exits} exits (the backbone is frozen)`;
  if (given.length !== count) throw new BadRequestError(`give ${count} loss weights, one per output trained (${what}); got ${given.length}`);
  given.forEach((w, k) => {
    if (!(Number.isFinite(w) && w > 0)) throw new BadRequestError(`loss weight ${k + 1} must be a finite number > 0, got ${w}`);
  });
  return [...given];
}

/** Trains the exits of a model (see the file comment); returns the trained inference model. */
export async function trainExits(model: ModelProto, train: ImageDataset, test: ImageDataset | undefined, options: TrainExitsOptions): Promise<TrainedExits> {
  const structure = exitStructure(model, options.mainOutput);
  if (Object.keys(readTemperatures(model)).length) throw new BadRequestError('the model is calibrated already; train its exits before calibrating them (the temperatures would no longer fit)');
  const mode = options.mode ?? 'exits';
  if (mode !== 'exits' && mode !== 'joint') throw new BadRequestError(`the training mode must be "exits" or "joint", got "${String(mode)}"`);
  const weights = exitLossWeights(mode, structure.exits.length, options.weights);
  const logits = [...structure.exits.map((e) => e.output), ...(mode === 'joint' ? [structure.mainOutput] : [])];
  const outputs = logits.map((l, k) => ({ logits: l, weight: weights[k]! })); // weights has one entry per output (checked)
  const branchNodes = structure.exits.flatMap((e) => e.nodes);
  const fitOptions: FitOptions = mode === 'joint'
    ? { ...options, outputs }
    : { ...options, outputs, trainable: structure.exits.flatMap((e) => e.params), trainModeNodes: branchNodes };
  const result = await fit(model, train, test, fitOptions);
  return { ...result, mode, outputs, structure };
}
