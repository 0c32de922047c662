import { BadRequestError } from '../errors.js';

/** A float tensor read from a .npy file or raw bytes. */
export interface FloatTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 10 && MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Parses a NumPy .npy file (versions 1-3) holding little-endian float32, float64 or uint8 in C
 * order; values become float32.
 */
export function parseNpy(bytes: Uint8Array, what = '.npy file'): FloatTensor {
  if (!isNpy(bytes)) throw new BadRequestError(`${what} is not a NumPy .npy file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!; // isNpy checked the file has at least 10 bytes
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new BadRequestError(`${what}: malformed header ${header.trim()}`);
  if (fortran === 'True') throw new BadRequestError(`${what} is in Fortran order; save it with np.ascontiguousarray`);
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  const size: Record<string, number> = { '<f4': 4, '<f8': 8, '|u1': 1 };
  const bytesPer = size[descr];
  if (!bytesPer) throw new BadRequestError(`${what} holds ${descr}; cleave reads float32 (<f4), float64 (<f8) or uint8 (|u1)`);
  if (bytes.length - offset < n * bytesPer) throw new BadRequestError(`${what} is truncated: ${bytes.length - offset} bytes for ${n} values of ${descr}`);
  const data = new Float32Array(n);
  const body = new DataView(bytes.buffer, bytes.byteOffset + offset, n * bytesPer);
  for (let i = 0; i < n; i++) {
    data[i] = descr === '<f4' ? body.getFloat32(4 * i, true) : descr === '<f8' ? body.getFloat64(8 * i, true) : body.getUint8(i);
  }
  return { dims, data };
}

/** Raw little-endian float32 bytes as a tensor of the expected shape (the size must match exactly). */
export function parseRawFloat32(bytes: Uint8Array, dims: readonly number[], what = 'raw tensor'): FloatTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== 4 * n) {
    throw new BadRequestError(`${what} has ${bytes.length} bytes; the model input [${dims.join(', ')}] needs ${4 * n} (float32)`);
  }
  const data = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true);
  return { dims, data };
}
