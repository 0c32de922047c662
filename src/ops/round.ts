import { unaryOp } from './shared/elementwise.js';

/** Round half to even, as ONNX (and numpy) specify: 2.5 -> 2, 3.5 -> 4. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up; step back down when that lands on an odd number.
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Round (opset 11+): round to nearest, ties to even. */
export const round = unaryOp('Round', 1, roundHalfEven, { sinceVersion: 11, differentiable: [false] });
