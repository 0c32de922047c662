/**
 * Turns a model profile measured on this machine into a device profile (the schema of
 * device-profile.ts) that other cleave commands load with --device FILE, plus a `measured`
 * section with the evidence: machine facts, per-op-class times, the per-node table, end-to-end
 * times and the cut latencies (the schema keeps `measured` as an open object). A user runs `cleave profile` on their own board or phone and
 * brings this one file back.
 *
 * Per op class, effective throughput = FLOPs of the class's nodes / their summed median time
 * (optimisations off, so every FLOP has its node's time). Memory bandwidth is the larger of a
 * memcpy benchmark (DRAM) and what the profiled nodes themselves moved (p90 over nodes of
 * bytes / time): activations that fit in cache stream faster than DRAM, and a roofline whose
 * bandwidth is below what the nodes were seen to reach would call them slower than measured.
 * The calibration factor is
 * measured end-to-end time (optimisations on) / roofline estimate of the same model with these
 * throughputs: it carries what fusion gains and the framework costs.
 */
import type { Analysis } from '../analysis/analyze.js';
import { BadProfileError, BadRequestError } from '../errors.js';
import { calibrateDevice, checkDeviceProfile, type DeviceProfile, estimateNodeLatencyMs, OP_CLASSES, type OpClass } from './device-profile.js';
import type { MachineFacts } from './machine.js';
import type { NodeLatency, UnmappedKernel } from './node-times.js';
import type { CutProfile, ModelProfile } from './profile-model.js';
import { type LatencyStats, quantile } from '../net/stats.js';

/** Version of the `measured` section's layout. */
export const MEASURED_FORMAT = 'cleave-measured-device/1';

export interface OpClassThroughput {
  readonly opClass: OpClass;
  readonly nodes: number;
  readonly flops: number;
  readonly bytes: number;
  /** summed node medians, ms */
  readonly ms: number;
  readonly gflops: number;
  /** 'measured', or the class whose rate was copied because the model has no such op */
  readonly source: 'measured' | `copied from ${OpClass}`;
}

/** Time per ONNX op type (optimisations off). */
export interface OpTypeTime {
  readonly opType: string;
  readonly nodes: number;
  readonly flops: number;
  readonly ms: number;
}

/** Summed node medians per op type, slowest first. */
export function opTypeTimes(nodes: readonly NodeLatency[]): OpTypeTime[] {
  const by = new Map<string, { nodes: number; flops: number; ms: number }>();
  for (const n of nodes) {
    const t = by.get(n.opType) ?? { nodes: 0, flops: 0, ms: 0 };
    by.set(n.opType, { nodes: t.nodes + 1, flops: t.flops + n.flops, ms: t.ms + n.stats.medianMs });
  }
  return [...by].map(([opType, t]) => ({ opType, ...t })).sort((a, b) => b.ms - a.ms || (a.opType < b.opType ? -1 : 1));
}

export interface NodeRecord {
  readonly name: string;
  readonly opType: string;
  readonly opClass: OpClass;
  readonly flops: number;
  readonly bytes: number;
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  readonly madMs: number;
  /** median of the kernel(s) ORT ran for this node with optimisations on (0 if fused away) */
  readonly optimizedMs: number;
  readonly measured: boolean;
}

// A type alias, not an interface: it must fit DeviceProfile's open `measured` record.
export type MeasuredSection = {
  readonly format: typeof MEASURED_FORMAT;
  readonly tool: string;
  readonly date: string;
  readonly machine: MachineFacts;
  readonly threads: number | 'ort-default';
  readonly model: { readonly name: string; readonly batch: number; readonly flops: number; readonly nodes: number };
  readonly settings: {
    readonly warmup: number;
    readonly repeats: number;
    readonly perNodeOptimization: 'disabled';
    readonly endToEndOptimization: 'all';
  };
  readonly copyBandwidthGBps: number;
  /** p90 over the profiled nodes of (bytes read + written) / time */
  readonly nodeBandwidthGBps: number;
  readonly opClasses: readonly OpClassThroughput[];
  readonly opTypes: readonly OpTypeTime[];
  readonly endToEnd: { readonly optimized: LatencyStats; readonly unoptimized: LatencyStats };
  /** ORT's own duration of the profiled runs (optimisations off, profiler on) */
  readonly profiledRun: LatencyStats;
  readonly nodeSumMs: number;
  readonly overheadRatio: number;
  readonly unmappedMs: number;
  readonly optimizedKernels: {
    readonly kernels: number;
    readonly mappedMs: number;
    readonly unmappedMs: number;
    readonly unmapped: readonly { readonly name: string; readonly opType: string; readonly medianMs: number }[];
    readonly fusedAway: readonly string[];
  };
  readonly calibration: { readonly measuredMs: number; readonly estimateMs: number; readonly factor: number };
  readonly reference?: { readonly device: string; readonly estimateMs: number; readonly calibration: number };
  readonly power: string;
  readonly nodes: readonly NodeRecord[];
  readonly cuts: readonly CutProfile[];
};

/** A device profile with the measurement it came from. */
export type MeasuredDevice = DeviceProfile & { readonly measured: MeasuredSection };

export interface DeviceOptions {
  readonly name: string;
  readonly kind?: DeviceProfile['kind'];
  readonly description?: string;
  readonly idleW?: number;
  readonly busyW?: number;
  /** memcpy bandwidth, GB/s (measured by the caller: machine.ts measureCopyBandwidthGBps) */
  readonly copyBandwidthGBps: number;
  /** a catalogue device to compare the measurement with */
  readonly reference?: DeviceProfile;
  readonly date?: string;
}

const COPY_ORDER: Readonly<Record<OpClass, readonly OpClass[]>> = {
  conv: ['gemm', 'elementwise'],
  gemm: ['conv', 'elementwise'],
  elementwise: ['gemm', 'conv'],
};

/** Effective GFLOP/s per op class from the per-node medians. */
export function opClassThroughput(nodes: readonly NodeLatency[]): OpClassThroughput[] {
  const measured = OP_CLASSES.map((opClass) => {
    const of = nodes.filter((n) => n.opClass === opClass && n.measured);
    const flops = of.reduce((s, n) => s + n.flops, 0);
    const ms = of.reduce((s, n) => s + n.stats.medianMs, 0);
    return { opClass, nodes: of.length, flops, bytes: of.reduce((s, n) => s + n.bytes, 0), ms, gflops: flops > 0 && ms > 0 ? flops / ms / 1e6 : 0 };
  });
  return measured.map((c): OpClassThroughput => {
    if (c.gflops > 0) return { ...c, source: 'measured' };
    const donor = COPY_ORDER[c.opClass].map((o) => measured.find((m) => m.opClass === o)).find((m) => m !== undefined && m.gflops > 0);
    if (!donor) throw new BadRequestError('the model has no FLOPs that took measurable time: cannot derive throughputs from it (profile a larger model)');
    return { ...c, gflops: donor.gflops, source: `copied from ${donor.opClass}` };
  });
}

/** p90 over measured nodes of the bandwidth they reached, GB/s (0 if none moved bytes). */
export function nodeBandwidthGBps(nodes: readonly NodeLatency[]): number {
  const rates = nodes.filter((n) => n.measured && n.bytes > 0 && n.stats.medianMs > 0).map((n) => n.bytes / n.stats.medianMs / 1e6);
  return quantile(rates.sort((a, b) => a - b), 0.9);
}

/** Roofline estimate of the whole model on `device`, ms (calibration of the device applied). */
export function rooflineModelMs(nodes: readonly NodeLatency[], device: DeviceProfile): number {
  return nodes.reduce((s, n) => s + (n.flops > 0 || n.bytes > 0 ? estimateNodeLatencyMs(n.flops, n.bytes, n.opClass, device) : 0), 0);
}

function nodeRecords(profile: ModelProfile): NodeRecord[] {
  return profile.perNode.nodes.map((n) => ({
    name: n.name,
    opType: n.opType,
    opClass: n.opClass,
    flops: n.flops,
    bytes: n.bytes,
    medianMs: n.stats.medianMs,
    p10Ms: n.stats.p10Ms,
    p90Ms: n.stats.p90Ms,
    madMs: n.stats.madMs,
    optimizedMs: profile.optimized.nodeMs[n.index] ?? 0,
    measured: n.measured,
  }));
}

const medianOf = (u: UnmappedKernel) => ({ name: u.name, opType: u.opType, medianMs: u.stats.medianMs });

/** The device profile of this machine, measured on `analysis`'s model. */
export function measuredDevice(analysis: Analysis, profile: ModelProfile, machine: MachineFacts, options: DeviceOptions): MeasuredDevice {
  const classes = opClassThroughput(profile.perNode.nodes);
  const throughput = Object.fromEntries(classes.map((c) => [c.opClass, c.gflops])) as Record<OpClass, number>;
  const nodeBandwidth = nodeBandwidthGBps(profile.perNode.nodes);
  const idleW = options.idleW ?? 0;
  const busyW = options.busyW ?? idleW;
  const uncalibrated: DeviceProfile = {
    name: options.name,
    description: options.description ?? `${machine.cpuModel}, ${profile.threads ?? 'default'} ORT thread(s), measured by cleave profile`,
    kind: options.kind ?? 'edge',
    throughputGflops: throughput,
    memoryBandwidthGBps: Math.max(options.copyBandwidthGBps, nodeBandwidth),
    idleW,
    busyW,
    source: `measured: cleave profile of ${analysis.model.name || 'model'} (batch ${profile.batch}) on ${machine.hostname}, ONNX Runtime ${machine.onnxruntime}`,
  };
  const estimateMs = rooflineModelMs(profile.perNode.nodes, uncalibrated);
  const measuredMs = profile.endToEnd.optimized.medianMs;
  const device = calibrateDevice(uncalibrated, measuredMs, estimateMs);
  checkDeviceProfile(device, `measured device "${options.name}"`);
  const ref = options.reference;
  const refUncal = ref ? { ...ref, calibration: undefined } : undefined;
  const refEstimate = refUncal ? rooflineModelMs(profile.perNode.nodes, refUncal) : 0;
  const measured: MeasuredSection = {
    format: MEASURED_FORMAT,
    tool: 'cleave profile',
    date: options.date ?? new Date().toISOString(),
    machine,
    threads: profile.threads ?? 'ort-default',
    model: { name: analysis.model.name, batch: profile.batch, flops: analysis.totals.flops, nodes: analysis.totals.nodes },
    settings: { warmup: profile.warmup, repeats: profile.repeats, perNodeOptimization: 'disabled', endToEndOptimization: 'all' },
    copyBandwidthGBps: options.copyBandwidthGBps,
    nodeBandwidthGBps: nodeBandwidth,
    opClasses: classes,
    opTypes: opTypeTimes(profile.perNode.nodes),
    endToEnd: profile.endToEnd,
    profiledRun: profile.perNode.run,
    nodeSumMs: profile.perNode.nodeSumMs,
    overheadRatio: profile.overheadRatio,
    unmappedMs: profile.perNode.unmappedMs,
    optimizedKernels: {
      kernels: profile.optimized.kernels,
      mappedMs: profile.optimized.mappedMs,
      unmappedMs: profile.optimized.unmappedMs,
      unmapped: profile.optimized.unmapped.map(medianOf),
      fusedAway: profile.optimized.fusedAway,
    },
    calibration: { measuredMs, estimateMs, factor: device.calibration ?? 1 },
    ...(ref && refEstimate > 0 ? { reference: { device: ref.name, estimateMs: refEstimate, calibration: measuredMs / refEstimate } } : {}),
    power: options.idleW === undefined && options.busyW === undefined
      ? 'not measured: idleW and busyW are 0; pass --idle-w and --busy-w (from a power meter) for energy estimates'
      : 'given by the user (--idle-w/--busy-w)',
    nodes: nodeRecords(profile),
    cuts: profile.cuts,
  };
  return { ...device, measured };
}

/**
 * Checks a device-profile file made by `cleave profile`: the device-profile schema for the whole
 * file (its `measured` section included), and the layout version of that section.
 */
export function deviceProfileOf(value: unknown, source = 'measured device'): DeviceProfile {
  const device = checkDeviceProfile(value, source);
  const format = device.measured?.format;
  if (device.measured !== undefined && format !== MEASURED_FORMAT) {
    throw new BadProfileError(`${source}: field "measured.format" must be "${MEASURED_FORMAT}", got ${JSON.stringify(format)}`);
  }
  return device;
}

/**
 * The device-profile file `cleave profile` writes (-o) and prints (--json): the profile as
 * indented JSON, fractions to six significant digits (sub-microsecond noise in sums of medians
 * is not information).
 */
export function measuredDeviceJson(device: MeasuredDevice): string {
  return `${JSON.stringify(device, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v), 2)}\n`;
}
