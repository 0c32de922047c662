import { add, addLegacy } from './add.js';
import { and, andLegacy } from './and.js';
import { argMax } from './arg-max.js';
import { argMin } from './arg-min.js';
import { castLike } from './cast-like.js';
import { cast } from './cast.js';
import { ceil } from './ceil.js';
import { concat } from './concat.js';
import { constantOfShape } from './constant-of-shape.js';
import { constant } from './constant.js';
import { cumSum } from './cum-sum.js';
import { depthToSpace } from './depth-to-space.js';
import { div, divLegacy } from './div.js';
import { equal, equalLegacy } from './equal.js';
import { expand } from './expand.js';
import { flatten } from './flatten.js';
import { floor } from './floor.js';
import { gatherElements } from './gather-elements.js';
import { gatherNd } from './gather-nd.js';
import { gather } from './gather.js';
import { greaterOrEqual } from './greater-or-equal.js';
import { greater, greaterLegacy } from './greater.js';
import { identity } from './identity.js';
import { isInf } from './is-inf.js';
import { isNan } from './is-nan.js';
import { lessOrEqual } from './less-or-equal.js';
import { less, lessLegacy } from './less.js';
import { mod } from './mod.js';
import { mul, mulLegacy } from './mul.js';
import { nonZero } from './non-zero.js';
import { not } from './not.js';
import { oneHot } from './one-hot.js';
import type { OpDef } from './op.js';
import { or, orLegacy } from './or.js';
import { pad } from './pad.js';
import { range } from './range.js';
import { reduceL1 } from './reduce-l1.js';
import { reduceL2 } from './reduce-l2.js';
import { reduceLogSumExp } from './reduce-log-sum-exp.js';
import { reduceMax } from './reduce-max.js';
import { reduceMean } from './reduce-mean.js';
import { reduceMin } from './reduce-min.js';
import { reduceProd } from './reduce-prod.js';
import { reduceSumSquare } from './reduce-sum-square.js';
import { reduceSum } from './reduce-sum.js';
import { reshape } from './reshape.js';
import { round } from './round.js';
import { scatter, scatterElements } from './scatter-elements.js';
import { scatterNd } from './scatter-nd.js';
import { shape } from './shape.js';
import { sign } from './sign.js';
import { size } from './size.js';
import { slice } from './slice.js';
import { spaceToDepth } from './space-to-depth.js';
import { split } from './split.js';
import { squeeze } from './squeeze.js';
import { sub, subLegacy } from './sub.js';
import { tile } from './tile.js';
import { topK } from './top-k.js';
import { transpose } from './transpose.js';
import { trilu } from './trilu.js';
import { unsqueeze } from './unsqueeze.js';
import { where } from './where.js';
import { xor, xorLegacy } from './xor.js';

/**
 * Elementwise arithmetic, comparison, shape and data-movement ops and reductions (the ones
 * exporters use for shape arithmetic). Sorted by name; `<op>Legacy` is an op's opset 1-6 form.
 */
export const TENSOR_OPS: readonly OpDef[] = [
  add,
  addLegacy,
  and,
  andLegacy,
  argMax,
  argMin,
  cast,
  castLike,
  ceil,
  concat,
  constant,
  constantOfShape,
  cumSum,
  depthToSpace,
  div,
  divLegacy,
  equal,
  equalLegacy,
  expand,
  flatten,
  floor,
  gather,
  gatherElements,
  gatherNd,
  greater,
  greaterLegacy,
  greaterOrEqual,
  identity,
  isInf,
  isNan,
  less,
  lessLegacy,
  lessOrEqual,
  mod,
  mul,
  mulLegacy,
  nonZero,
  not,
  oneHot,
  or,
  orLegacy,
  pad,
  range,
  reduceL1,
  reduceL2,
  reduceLogSumExp,
  reduceMax,
  reduceMean,
  reduceMin,
  reduceProd,
  reduceSum,
  reduceSumSquare,
  reshape,
  round,
  scatterNd,
  scatterElements,
  scatter,
  shape,
  sign,
  size,
  slice,
  spaceToDepth,
  split,
  squeeze,
  sub,
  subLegacy,
  tile,
  topK,
  transpose,
  trilu,
  unsqueeze,
  where,
  xor,
  xorLegacy,
];
