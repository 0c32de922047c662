/**
 * `cleave/train`: gradients as ONNX graphs and training on ONNX Runtime: a gradient model for
 * any differentiable graph (with the rewrites that make it fast in ORT), one training step (loss, backward, optimiser) as one model, and the
 * trainer that runs it over batches (`cleave/data`).
 * This file only re-exports; each module documents its own exports.
 */

export { buildGradientModel, type GradSeed, type GradientModel, type GradientRequest } from '../autodiff/backward.js';
export { liftInitializers } from '../autodiff/lift.js';
export { optimiseForOrt, type OrtOptimiseOptions } from '../passes/optimise.js';
export { LABELS_INPUT, buildTrainStep, type BufferSlot, type ParamSlot, type TrainStep, type TrainStepOptions, type TrainedOutput } from '../train/train-step.js';
export type { WeightedOutput } from '../train/loss.js';
export { Trainer, type StepResult, type TrainerOptions } from '../train/trainer.js';
export { fit, type EpochStats, type FitOptions, type FitResult } from '../train/fit.js';
export type { AdamSpec, OptimizerSpec, SgdSpec } from '../train/optimizers.js';
