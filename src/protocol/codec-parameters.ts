import { BadRequestError } from '../errors.js';
import type { Parameters } from './v2-wire.js';

/**
 * How a tensor encoded by one of cleave's codecs travels: as plain KServe v2 data (a datatype, a
 * shape, little-endian bytes) plus `cleave_*` parameters of the tensor that say how to get the
 * float32 tensor back. The raw codec adds no parameters at all, so Triton or any v2 server
 * accepts it as is. The parameters, by codec:
 * - every codec but raw: `cleave_codec`, one of `CODEC_NAMES`;
 * - int8: `cleave_scale`, `cleave_zero_point` (x = scale * (q - zero_point));
 * - int8-channel: `cleave_axis`, and base64 `cleave_scales` (float32) and `cleave_zero_points`
 *   (int8), one per channel along the axis;
 * - +deflate: `cleave_deflate: true`, the inner `cleave_datatype` and `cleave_shape` ("1,16,14,14");
 *   the tensor itself then travels as UINT8 of shape [bytes].
 * Encoder and decoder live in compress/codec.ts; this is what both ends agree on.
 */

/** The codecs cleave has for the tensor at the cut, as `cleave_codec` names them. */
export type CodecName = 'fp32' | 'fp16' | 'int8' | 'int8-channel';
/** Every codec name (the values `cleave_codec` may take). */
export const CODEC_NAMES: readonly CodecName[] = ['fp32', 'fp16', 'int8', 'int8-channel'];

/** A tensor's v2 parameters, where the codec's travel. */
export type CodecParameters = Parameters;

/** The v2 datatype each codec's data travels as (before deflate), and its element size. */
export const CODEC_DATATYPE: Readonly<Record<CodecName, string>> = { fp32: 'FP32', fp16: 'FP16', int8: 'INT8', 'int8-channel': 'INT8' };
export const INNER_BYTES: Readonly<Record<string, number>> = { FP32: 4, FP16: 2, INT8: 1 };

/** True when a tensor's parameters say it was encoded by a cleave codec (raw fp32 needs no decoding). */
export function isEncoded(parameters: CodecParameters | undefined): boolean {
  return parameters?.cleave_codec !== undefined;
}

/** A numeric parameter, checked (it comes off the network). */
export function numberParameter(p: CodecParameters, key: string): number {
  const v = p[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequestError(`codec parameter ${key} must be a finite number`);
  return v;
}

/** `cleave_shape` ("1,16,14,14") as dims, bounded by `maxElements`. */
export function shapeParameter(text: unknown, maxElements: number): number[] {
  if (typeof text !== 'string' || !/^\d+(,\d+)*$/.test(text)) throw new BadRequestError('codec parameter cleave_shape must look like "1,16,14,14"');
  const dims = text.split(',').map(Number);
  if (dims.length > 16 || dims.reduce((a, b) => a * b, 1) > maxElements) throw new BadRequestError(`cleave_shape [${text}] is larger than allowed`);
  return dims;
}

/** Bytes as a base64 parameter value (per-channel scales and zero points). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A base64 parameter value back to bytes; `what` names it in the error. */
export function fromBase64(s: string, what: string): Uint8Array {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    throw new BadRequestError(`${what} is not base64`);
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
