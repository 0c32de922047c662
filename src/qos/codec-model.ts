/**
 * What a codec costs at the cut, without running it: bytes per element, and encoding and
 * decoding time. Times are the nanoseconds per element that cleave's own encodeTensor and
 * decodeTensor (src/compress) took on the 2-core development VM whose profile is
 * `dev-vm-2core`, on a [1, 24, 28, 28] ReLU map (rounded; deflate per byte of its input), and
 * scale to another device by the ratio of its elementwise throughput to that VM's: the codecs
 * are elementwise loops bound by memory and the JS engine, like the op class they are charged to.
 */
import type { CodecSpec } from '../compress/codec.js';
import type { CodecName } from '../protocol/codec-parameters.js';
import { getDevice } from '../profile/device-catalogue.js';
import type { DeviceProfile } from '../profile/device-profile.js';

interface CodecCost {
  /** bytes per float32 element of the cut tensor */
  readonly bytesPerElement: number;
  /** ns per element on the reference VM */
  readonly encodeNs: number;
  readonly decodeNs: number;
  /**
   * Relative quantisation step (the rounding of one value against the range it is coded in):
   * the scale of the accuracy a lossy codec may cost, used only for predicted accuracy.
   */
  readonly relativeStep: number;
}

/** Per codec: measured with bench-like loops over encodeTensor/decodeTensor (see the file comment). */
const COSTS: Readonly<Record<CodecName, CodecCost>> = {
  fp32: { bytesPerElement: 4, encodeNs: 1, decodeNs: 4, relativeStep: 0 },
  // binary16 keeps 11 significant bits: relative rounding 2^-11.
  fp16: { bytesPerElement: 2, encodeNs: 12, decodeNs: 14, relativeStep: 2 ** -11 },
  // 256 levels over the tensor's (or a channel's) range.
  int8: { bytesPerElement: 1, encodeNs: 20, decodeNs: 4, relativeStep: 1 / 255 },
  'int8-channel': { bytesPerElement: 1, encodeNs: 40, decodeNs: 10, relativeStep: 1 / 255 },
};

/** Deflate (Compression Streams, zlib level 6) on top: ns per byte of the codec's output. */
const DEFLATE_NS_PER_BYTE = 30;
const INFLATE_NS_PER_BYTE = 13;

/** The device the figures were measured on. */
const REFERENCE = getDevice('dev-vm-2core');

/** How much slower (> 1) or faster a device runs elementwise loops than the reference VM. */
function slowdown(device: DeviceProfile): number {
  return (REFERENCE.throughputGflops.elementwise / device.throughputGflops.elementwise) * (device.calibration ?? 1);
}

/** Bytes of `elements` float32 values after the codec, before deflate. */
export function codedBytes(spec: CodecSpec, elements: number): number {
  return COSTS[spec.name].bytesPerElement * elements;
}

/** Encoding time of `elements` values on `device`, ms (deflate reads the codec's output). */
export function encodeMs(spec: CodecSpec, elements: number, device: DeviceProfile): number {
  const ns = COSTS[spec.name].encodeNs * elements + (spec.deflate ? DEFLATE_NS_PER_BYTE * codedBytes(spec, elements) : 0);
  return (ns / 1e6) * slowdown(device);
}

/** Decoding time on the server, ms. */
export function decodeMs(spec: CodecSpec, elements: number, server: DeviceProfile): number {
  const ns = COSTS[spec.name].decodeNs * elements + (spec.deflate ? INFLATE_NS_PER_BYTE * codedBytes(spec, elements) : 0);
  return (ns / 1e6) * slowdown(server);
}

/** The codec's relative quantisation step (0 for lossless codecs). */
export function relativeStep(spec: CodecSpec): number {
  return COSTS[spec.name].relativeStep;
}

/** The codecs the sweep tries by default: each of cleave's codecs, plain and with deflate. */
export const DEFAULT_CODECS: readonly CodecSpec[] = [
  { name: 'fp32' }, { name: 'fp16' }, { name: 'int8' }, { name: 'int8-channel' },
  { name: 'fp32', deflate: true }, { name: 'fp16', deflate: true }, { name: 'int8', deflate: true }, { name: 'int8-channel', deflate: true },
];
