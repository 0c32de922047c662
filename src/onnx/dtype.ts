import { BadModelError } from '../errors.js';

/** Element types cleave names, spelled as numpy/ORT do. */
export type DType =
  | 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'float64' | 'uint32' | 'uint64' | 'bfloat16';

/** TensorProto.DataType codes from onnx.proto, indexed by code. */
const BY_CODE: readonly (DType | undefined)[] = [
  undefined, 'float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool',
  'float16', 'float64', 'uint32', 'uint64', undefined, undefined, 'bfloat16',
];

const BYTES: Readonly<Record<DType, number>> = {
  float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, string: 0, bool: 1,
  float16: 2, float64: 8, uint32: 4, uint64: 8, bfloat16: 2,
};

export function dtypeFromCode(code: number, where: string): DType {
  const d = BY_CODE[code];
  if (d === undefined) throw new BadModelError(`${where}: element type code ${code} is not supported by cleave`);
  return d;
}

export function dtypeCode(dtype: DType): number {
  return BY_CODE.indexOf(dtype);
}

/** Bytes per element (0 for strings, whose size is data-dependent). */
export function dtypeBytes(dtype: DType): number {
  return BYTES[dtype];
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16' || dtype === 'float64' || dtype === 'bfloat16';
}
