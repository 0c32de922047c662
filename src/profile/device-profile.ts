/**
 * Device profiles: what cleave needs to know about a device to estimate how long a node takes
 * on it and what it costs in energy, without running it there.
 *
 * Latency of a node (roofline): the larger of compute time and memory time,
 *   t = max(flops / throughput[opClass], bytes / memoryBandwidth) x calibration,
 * where throughput is the *effective* rate a real runtime reaches for that class of op (not the
 * data-sheet peak), and `calibration` is the ratio measured/estimated on a device where both are
 * known (1 when uncalibrated). Energy = busy power x compute time + radio energy per bit sent.
 * A pure library: no runtime, no files.
 */
import { BadProfileError } from '../errors.js';
import { checkSchema, parseProfileJson, type Schema } from '../net/schema.js';

/** Classes of op with distinct effective throughput. */
export type OpClass = 'conv' | 'gemm' | 'elementwise';
export const OP_CLASSES: readonly OpClass[] = ['conv', 'gemm', 'elementwise'];

export interface DeviceProfile {
  readonly name: string;
  readonly description?: string;
  readonly kind: 'edge' | 'phone' | 'server';
  /** Effective throughput per op class, GFLOP/s. */
  readonly throughputGflops: Readonly<Record<OpClass, number>>;
  /** Effective (STREAM-like) memory bandwidth, GB/s. */
  readonly memoryBandwidthGBps: number;
  /** Power at idle and under inference load, W. */
  readonly idleW: number;
  readonly busyW: number;
  /** measured / estimated latency on this device; 1 = uncalibrated. */
  readonly calibration?: number;
  readonly source?: string;
  /** what `cleave profile` measured to derive this profile (machine, per-node times), kept as evidence */
  readonly measured?: Readonly<Record<string, unknown>>;
}

const GFLOPS = { type: 'number', unit: 'GFLOP/s', above: 0 } as const;

export const DEVICE_PROFILE_SCHEMA: Schema = {
  name: { type: 'string' },
  description: { type: 'string', optional: true },
  kind: { type: 'string', oneOf: ['edge', 'phone', 'server'] },
  throughputGflops: { type: 'object', fields: { conv: GFLOPS, gemm: GFLOPS, elementwise: GFLOPS } },
  memoryBandwidthGBps: { type: 'number', unit: 'GB/s', above: 0 },
  idleW: { type: 'number', unit: 'W', min: 0 },
  busyW: { type: 'number', unit: 'W', min: 0 },
  calibration: { type: 'number', unit: 'ratio measured/estimated', above: 0, optional: true },
  source: { type: 'string', optional: true },
  measured: { type: 'open-object', optional: true },
};

/** Validate parsed JSON as a device profile; errors name the field. */
export function checkDeviceProfile(value: unknown, source = 'device profile'): DeviceProfile {
  checkSchema(value, DEVICE_PROFILE_SCHEMA, source);
  const d = value as DeviceProfile;
  if (d.busyW < d.idleW) throw new BadProfileError(`${source}: field "busyW" (${d.busyW} W) must be >= idleW (${d.idleW} W)`);
  return d;
}

export function parseDeviceProfile(text: string, source: string): DeviceProfile {
  return checkDeviceProfile(parseProfileJson(text, source), source);
}

/**
 * Roofline latency of one node on `device`, ms: max(flops / throughput, bytes / bandwidth),
 * times the device's calibration factor.
 */
export function estimateNodeLatencyMs(flops: number, bytes: number, opClass: OpClass, device: DeviceProfile): number {
  if (!(flops >= 0) || !(bytes >= 0)) throw new BadProfileError(`node cost must be >= 0 (flops ${flops}, bytes ${bytes})`);
  const tp = device.throughputGflops[opClass];
  if (tp === undefined) throw new BadProfileError(`device "${device.name}": no throughput for op class "${String(opClass)}" (known: ${OP_CLASSES.join(', ')})`);
  const computeS = flops / (tp * 1e9);
  const memoryS = bytes / (device.memoryBandwidthGBps * 1e9);
  return Math.max(computeS, memoryS) * 1000 * (device.calibration ?? 1);
}

/** Which roofline side bounds a node: 'compute' or 'memory'. */
export function boundOf(flops: number, bytes: number, opClass: OpClass, device: DeviceProfile): 'compute' | 'memory' {
  return flops / device.throughputGflops[opClass] >= bytes / device.memoryBandwidthGBps ? 'compute' : 'memory';
}

/**
 * A copy of `device` whose estimates reproduce a measurement: calibration = measured/estimated
 * (the estimate taken without any previous calibration).
 */
export function calibrateDevice(device: DeviceProfile, measuredMs: number, uncalibratedEstimateMs: number): DeviceProfile {
  if (!(measuredMs > 0) || !(uncalibratedEstimateMs > 0)) {
    throw new BadProfileError(`calibration needs positive times, got measured ${measuredMs} ms, estimated ${uncalibratedEstimateMs} ms`);
  }
  return { ...device, calibration: measuredMs / uncalibratedEstimateMs };
}

export interface EnergyEstimate {
  readonly computeJ: number;
  readonly radioJ: number;
  readonly idleJ: number;
  readonly totalJ: number;
}

/**
 * Energy of one inference on the device: busy power over its compute time, idle power while it
 * waits for the answer, and the radio's energy per bit for what it sends and receives.
 * `radio` gives the radio's power and rates (a NetworkProfile fits).
 */
export function estimateEnergyJ(
  device: DeviceProfile,
  computeMs: number,
  waitMs: number,
  radio: { readonly radioTxW: number; readonly radioRxW: number; readonly uplinkBps: number; readonly downlinkBps: number },
  txBytes: number,
  rxBytes = 0,
): EnergyEstimate {
  const computeJ = (device.busyW * computeMs) / 1000;
  const idleJ = (device.idleW * waitMs) / 1000;
  const radioJ = (txBytes * 8 * radio.radioTxW) / radio.uplinkBps + (rxBytes * 8 * radio.radioRxW) / radio.downlinkBps;
  return { computeJ, radioJ, idleJ, totalJ: computeJ + radioJ + idleJ };
}
