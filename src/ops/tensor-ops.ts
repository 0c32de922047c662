import { add } from './add.js';
import { and } from './and.js';
import { argMax } from './arg-max.js';
import { cast } from './cast.js';
import { ceil } from './ceil.js';
import { concat } from './concat.js';
import { constantOfShape } from './constant-of-shape.js';
import { constant } from './constant.js';
import { div } from './div.js';
import { equal } from './equal.js';
import { expand } from './expand.js';
import { flatten } from './flatten.js';
import { floor } from './floor.js';
import { gather } from './gather.js';
import { greater } from './greater.js';
import { identity } from './identity.js';
import { less } from './less.js';
import { mod } from './mod.js';
import { mul } from './mul.js';
import { not } from './not.js';
import type { OpDef } from './op.js';
import { or } from './or.js';
import { pad } from './pad.js';
import { range } from './range.js';
import { reduceMax } from './reduce-max.js';
import { reduceMean } from './reduce-mean.js';
import { reduceSum } from './reduce-sum.js';
import { reshape } from './reshape.js';
import { round } from './round.js';
import { shape } from './shape.js';
import { sign } from './sign.js';
import { size } from './size.js';
import { slice } from './slice.js';
import { split } from './split.js';
import { squeeze } from './squeeze.js';
import { sub } from './sub.js';
import { tile } from './tile.js';
import { transpose } from './transpose.js';
import { unsqueeze } from './unsqueeze.js';
import { where } from './where.js';

/** Elementwise arithmetic, shape and data-movement ops (the ones exporters use for shape arithmetic). Sorted by name. */
export const TENSOR_OPS: readonly OpDef[] = [
  add,
  and,
  argMax,
  cast,
  ceil,
  concat,
  constant,
  constantOfShape,
  div,
  equal,
  expand,
  flatten,
  floor,
  gather,
  greater,
  identity,
  less,
  mod,
  mul,
  not,
  or,
  pad,
  range,
  reduceMax,
  reduceMean,
  reduceSum,
  reshape,
  round,
  shape,
  sign,
  size,
  slice,
  split,
  squeeze,
  sub,
  tile,
  transpose,
  unsqueeze,
  where,
];
