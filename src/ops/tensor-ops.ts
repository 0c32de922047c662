import { add } from './add.js';
import { and, andLegacy } from './and.js';
import { argMax } from './arg-max.js';
import { cast } from './cast.js';
import { ceil } from './ceil.js';
import { concat } from './concat.js';
import { constantOfShape } from './constant-of-shape.js';
import { constant } from './constant.js';
import { div, divLegacy } from './div.js';
import { equal, equalLegacy } from './equal.js';
import { expand } from './expand.js';
import { flatten } from './flatten.js';
import { floor } from './floor.js';
import { gather } from './gather.js';
import { greater, greaterLegacy } from './greater.js';
import { identity } from './identity.js';
import { less, lessLegacy } from './less.js';
import { mod } from './mod.js';
import { mul, mulLegacy } from './mul.js';
import { not } from './not.js';
import type { OpDef } from './op.js';
import { or, orLegacy } from './or.js';
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
import { sub, subLegacy } from './sub.js';
import { tile } from './tile.js';
import { transpose } from './transpose.js';
import { unsqueeze } from './unsqueeze.js';
import { where } from './where.js';

/** Elementwise arithmetic, shape and data-movement ops (the ones exporters use for shape arithmetic). Sorted by name. */
export const TENSOR_OPS: readonly OpDef[] = [
  add,
  and,
  andLegacy,
  argMax,
  cast,
  ceil,
  concat,
  constant,
  constantOfShape,
  div,
  divLegacy,
  equal,
  equalLegacy,
  expand,
  flatten,
  floor,
  gather,
  greater,
  greaterLegacy,
  identity,
  less,
  lessLegacy,
  mod,
  mul,
  mulLegacy,
  not,
  or,
  orLegacy,
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
  subLegacy,
  tile,
  transpose,
  unsqueeze,
  where,
];
