import type { ModelProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { batchNormScalesIntoWeights } from './batch-norm-scale.js';
import { forwardConvsAsGemm } from './conv-gemm.js';
import { convInputGradsAsConv } from './conv-input-grad.js';
import { convTransposesAsPhases } from './conv-transpose-phases.js';
import { weightGradsAsGemm } from './conv-weight-grad.js';
import { withoutDeadNodes } from './dead-nodes.js';
import { withoutDuplicateSums } from './duplicate-sums.js';
import { convsToNchwc } from './nchwc.js';
import type { Pass, ShapedModel } from './shaped-model.js';
import { shareIntConstants } from './shared-constants.js';
import { spatialSumsThroughConvs } from './spatial-sum.js';

/** What the model is, so that the passes that pay for it run. */
export type OrtOptimiseOptions =
  | {
    /**
     * A training step: weights are graph inputs fed each run, so ORT folds nothing of them;
     * gradients become GEMMs where those pay, and Convs run on NCHWc kernels (`nchwcBlock`) or,
     * without them, the `forwardConvs` as GEMMs.
     */
    readonly weights: 'fed';
    /** ORT's NCHWc channel block on this CPU (probeNchwcBlock); undefined: a portable model */
    readonly nchwcBlock?: number;
    /** the forward Convs (by node name), which run as GEMMs where that pays when there is no NCHWc */
    readonly forwardConvs: ReadonlySet<string>;
  }
  | {
    /**
     * Gradients of a model with constant weights (Grad-CAM): ORT folds what depends on the
     * weights only, and the rewrites that lean on that run (scales into weights, spatial sums
     * through convolutions, stride-s ConvTransposes as phases), then unread nodes go.
     */
    readonly weights: 'constant';
  };

/**
 * The one "optimise for ONNX Runtime" step of a gradient graph: every rewrite made for ORT's
 * speed, in order, each a pure function that leaves the model alone where it does not pay
 * (see each pass for when it pays and the measurement that showed it). Same outputs as the
 * plain graph up to the order of float sums. `shapes` are the model's known static shapes (a
 * gradient model's `shapes`, or an inference of the model).
 */
export function optimiseForOrt(model: ModelProto, shapes: ReadonlyMap<string, TensorInfo>, options: OrtOptimiseOptions): ModelProto {
  const passes: Pass[] = [convInputGradsAsConv, weightGradsAsGemm];
  if (options.weights === 'fed') {
    const { nchwcBlock, forwardConvs } = options;
    passes.push(nchwcBlock === undefined ? (m) => forwardConvsAsGemm(m, forwardConvs) : (m) => convsToNchwc(m, nchwcBlock), shareIntConstants);
  } else {
    // Scales first, so that the spatial sums read the unscaled gradient too; duplicate Sums
    // before the rewrites that count a tensor's readers.
    passes.push(batchNormScalesIntoWeights, withoutDuplicateSums, spatialSumsThroughConvs, convTransposesAsPhases, withoutDeadNodes);
  }
  return passes.reduce<ShapedModel>((m, pass) => pass(m), { model, shapes }).model;
}
