import { dtypeBytes, type DType } from '../onnx/dtype.js';
import { numelOf, type TensorValue } from '../onnx/tensor.js';

/**
 * The tensor vocabulary every stage above the graph shares (op rules, analysis, autodiff,
 * passes, training, interpretation): what is known of a tensor, and how its size is counted.
 */

/**
 * What cleave knows of a tensor during analysis: its type, its static shape and, for small
 * tensors computed from constants only (shape arithmetic), its values.
 */
export interface TensorInfo {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly value?: TensorValue;
}

/**
 * cleave counts one multiply-accumulate (MAC) as 2 floating-point operations (FLOPs), the
 * convention of most papers' "FLOPs" and of fvcore/thop when doubled. Rules report both: `flops`
 * for everything the op does, `macs` for the products of Conv/Gemm/MatMul alone, which is the
 * figure published model complexities quote ("ResNet-50: 4.1 GMACs").
 */
export const FLOPS_PER_MAC = 2;

/** Number of elements of the tensor's static shape. */
export function numel(t: TensorInfo): number {
  return numelOf(t.shape);
}

/** Bytes the tensor occupies (0 for an omitted optional input). */
export function byteSize(t: TensorInfo | undefined): number {
  return t ? numelOf(t.shape) * dtypeBytes(t.dtype) : 0;
}

/** Sum of the byte sizes of the given tensors (omitted ones count 0). */
export function totalBytes(ts: readonly (TensorInfo | undefined)[]): number {
  let s = 0;
  for (const t of ts) s += byteSize(t);
  return s;
}
