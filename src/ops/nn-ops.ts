import { abs } from './abs.js';
import { averagePool } from './average-pool.js';
import { batchNormalization } from './batch-normalization.js';
import { clip } from './clip.js';
import { convTranspose } from './conv-transpose.js';
import { conv } from './conv.js';
import { dropout } from './dropout.js';
import { elu } from './elu.js';
import { erf } from './erf.js';
import { exp } from './exp.js';
import { gelu } from './gelu.js';
import { gemm } from './gemm.js';
import { globalAveragePool } from './global-average-pool.js';
import { globalMaxPool } from './global-max-pool.js';
import { hardSigmoid } from './hard-sigmoid.js';
import { hardSwish } from './hard-swish.js';
import { instanceNormalization } from './instance-normalization.js';
import { layerNormalization } from './layer-normalization.js';
import { leakyRelu } from './leaky-relu.js';
import { logSoftmax } from './log-softmax.js';
import { log } from './log.js';
import { lpNormalization } from './lp-normalization.js';
import { lrn } from './lrn.js';
import { matMul } from './mat-mul.js';
import { maxPool } from './max-pool.js';
import { max } from './max.js';
import { mean } from './mean.js';
import { min } from './min.js';
import { neg } from './neg.js';
import type { OpDef } from './op.js';
import { pow } from './pow.js';
import { prelu } from './prelu.js';
import { reciprocal } from './reciprocal.js';
import { relu } from './relu.js';
import { resize } from './resize.js';
import { selu } from './selu.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { softplus } from './softplus.js';
import { sqrt } from './sqrt.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { upsample } from './upsample.js';

/** Neural-network layer ops: convolutions, dense layers, pools, normalisation, activations, elementwise math. Sorted by op type. */
export const NN_OPS: readonly OpDef[] = [
  abs,
  averagePool,
  batchNormalization,
  clip,
  conv,
  convTranspose,
  dropout,
  elu,
  erf,
  exp,
  gelu,
  gemm,
  globalAveragePool,
  globalMaxPool,
  hardSigmoid,
  hardSwish,
  instanceNormalization,
  lrn,
  layerNormalization,
  leakyRelu,
  log,
  logSoftmax,
  lpNormalization,
  matMul,
  max,
  maxPool,
  mean,
  min,
  neg,
  prelu,
  pow,
  reciprocal,
  relu,
  resize,
  selu,
  sigmoid,
  softmax,
  softplus,
  sqrt,
  sum,
  tanh,
  upsample,
];
