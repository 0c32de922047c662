/**
 * Everything the sweep's inner loop reads, computed once: per (variant, cut, device) the head's
 * time, per cut the tail's, per (cut, codec) the payload and codec times, per (cut, codec,
 * network) the transfer (the analytic TCP model's loop runs here, not per configuration), per
 * (cut, codec, exits) the accuracy. The inner loop (sweep.ts) is then arithmetic on typed arrays.
 */
import type { Analysis } from '../analysis/analyze.js';
import type { CodecSpec } from '../compress/codec.js';
import { estimateTransfer } from '../net/analytic.js';
import type { Connection } from '../net/compare.js';
import { pathFromProfile, type NetworkProfile, radioEnergyJ } from '../net/profiles.js';
import { IP_TCP_HEADER_BYTES } from '../net/tcp.js';
import { type DeviceProfile, estimateNodeLatencyMs } from '../profile/device-profile.js';
import { opClassOf } from '../profile/op-class.js';
import { accuracyWithExits, type CutAccuracy } from './accuracy.js';
import { type CutCandidate, headComputes } from './candidates.js';
import { codedBytes, decodeMs, encodeMs } from './codec-model.js';
import type { AccuracySource } from './configuration.js';
import type { ExitOption } from './exit-option.js';
import { DENSE, keptFraction, type SparsityVariant } from './sparsity-variant.js';

/** How many edge devices share the uplink and the server, and how the connection stands. */
export interface Load {
  /** edge devices sending frames */
  readonly devices: number;
  /** frames per second per device; 0: frames far apart (no queueing) */
  readonly fps: number;
  /** server workers */
  readonly workers: number;
  /** the TCP connection each frame is sent on (net/compare.ts) */
  readonly connection: Connection;
}

/** What a sweep covers. */
export interface SweepSpec {
  readonly analysis: Analysis;
  readonly cuts: readonly CutCandidate[];
  readonly codecs: readonly CodecSpec[];
  readonly exits: readonly ExitOption[];
  readonly variants: readonly SparsityVariant[];
  readonly devices: readonly DeviceProfile[];
  readonly networks: readonly NetworkProfile[];
  readonly server: DeviceProfile;
  readonly load: Load;
  readonly accuracy: CutAccuracy;
  /**
   * Per variant (aligned with `variants`), its own accuracy at every (cut, codec) when it was
   * measured on a sparse model (NaN where it could not be); undefined: the dense figure plus
   * the variant's accuracyDelta.
   */
  readonly variantAccuracy?: readonly (CutAccuracy | undefined)[];
}

/** The precomputed figures; index helpers name the layout of each array. */
export interface Tables {
  readonly spec: SweepSpec;
  readonly sizes: { readonly V: number; readonly C: number; readonly K: number; readonly E: number; readonly D: number; readonly N: number };
  /** [v][c][d] head on the edge, ms */
  readonly headMs: Float64Array;
  /** [c] tail on the server, ms (without decoding) */
  readonly tailMs: Float64Array;
  /** [v][c] weight bytes the head holds */
  readonly headParamBytes: Float64Array;
  /** [e][d] enabled exits' branches on the edge, ms */
  readonly exitMs: Float64Array;
  /** [e] enabled exits' weight bytes */
  readonly exitParamBytes: Float64Array;
  /** [c][e] 1 when every enabled exit reads a tensor the head computes */
  readonly exitFits: Uint8Array;
  /** [c][k] encoded bytes sent per upload */
  readonly payloadBytes: Float64Array;
  /** [c][k][d] encoding on the edge, ms */
  readonly encodeMs: Float64Array;
  /** [c][k] decoding on the server, ms */
  readonly decodeMs: Float64Array;
  /** [c][k][n] transfer: typical (median) and mean ms, wire bytes, radio energy (mJ) */
  readonly transferTypicalMs: Float64Array;
  readonly transferMeanMs: Float64Array;
  readonly wireBytes: Float64Array;
  readonly radioMj: Float64Array;
  /** [v][c][k][e] accuracy (the variant's change included) and whether it was measured */
  readonly accuracy: Float64Array;
  readonly measured: Uint8Array;
  /** [c] 1 when local; [c] the head's peak activation bytes; [e] fraction answered at the exits */
  readonly local: Uint8Array;
  readonly peakBytes: Float64Array;
  readonly exitFraction: Float64Array;
  /** [d] busy power W; [n] uplink bit/s */
  readonly busyW: Float64Array;
  readonly uplinkBps: Float64Array;
}

/** Bytes of each initializer a node reads, and which of them a sparsity variant thins (its weights, not its bias). */
function nodeWeights(analysis: Analysis): { name: string; bytes: number; thinned: boolean }[][] {
  const bytes = new Map(analysis.tensors.map((t) => [t.name, t.bytes]));
  const inits = analysis.dataflow.graph.initializers;
  return analysis.nodes.map((n) => n.inputs.flatMap((t, slot) => (t && inits.has(t) ? [{ name: t, bytes: bytes.get(t) ?? 0, thinned: slot < 2 }] : [])));
}

/** Roofline time of every node on `device` under variant `v` (structured variants run only the kept FLOPs). */
function nodeTimes(analysis: Analysis, weights: ReturnType<typeof nodeWeights>, v: SparsityVariant, device: DeviceProfile): Float64Array {
  return Float64Array.from(analysis.nodes, (n, i) => {
    if (n.folded || !n.known) return 0;
    const f = v.structured ? keptFraction(v, n) : 1;
    const dropped = (weights[i] ?? []).reduce((s, w) => s + (w.thinned ? w.bytes * (1 - f) : 0), 0);
    return estimateNodeLatencyMs(n.flops * f, Math.max(0, n.bytesRead + n.bytesWritten - dropped), opClassOf(n.opType), device);
  });
}

/** Weight bytes the head of `cut` holds under `v` (each initializer once). */
function headParams(analysis: Analysis, weights: ReturnType<typeof nodeWeights>, v: SparsityVariant, cut: CutCandidate): number {
  const seen = new Set<string>();
  let total = 0;
  for (const i of cut.head) {
    const node = analysis.nodes[i];
    if (!node || node.folded) continue;
    const f = v.structured ? keptFraction(v, node) : 1;
    for (const w of weights[i] ?? []) {
      if (seen.has(w.name)) continue;
      seen.add(w.name);
      total += w.thinned ? w.bytes * f : w.bytes;
    }
  }
  return total;
}

/**
 * Accuracy of variant `variant` at (cut, codec) `ck` with exits `e`. Measured on the sparse
 * model itself (`own`): its figure, measured when no exit is on (the exits' per-sample figures
 * are the dense model's), else combined as accuracy.ts does. Otherwise the dense figure plus
 * the variant's change, measured only when there is no change to add.
 */
function variantAccuracy(dense: CutAccuracy, own: CutAccuracy | undefined, variant: SparsityVariant, ck: number, e: ExitOption): { accuracy: number; source: AccuracySource } {
  if (own && Number.isFinite(own.at[ck])) {
    if (e.exits.length === 0) return { accuracy: own.at[ck]!, source: own.source }; // ck indexes the table's (cut, codec) pairs
    return { accuracy: accuracyWithExits({ source: 'predicted', base: dense.base, at: own.at }, ck, e).accuracy, source: 'predicted' };
  }
  const a = accuracyWithExits(dense, ck, e);
  const delta = own ? own.base - dense.base : variant.accuracyDelta;
  return { accuracy: a.accuracy + delta, source: a.source === 'measured' && delta === 0 && !own ? 'measured' : 'predicted' };
}

export function buildTables(spec: SweepSpec): Tables {
  // Bounds: a cut's head holds node indices of the analysis, and nodeTimes gives one time per node; n < N networks.
  const { analysis, cuts, codecs, exits, variants, devices, networks, server, load, accuracy } = spec;
  const [V, C, K, E, D, N] = [variants.length, cuts.length, codecs.length, exits.length, devices.length, networks.length];
  const weights = nodeWeights(analysis);

  const headMs = new Float64Array(V * C * D);
  const headParamBytes = new Float64Array(V * C);
  variants.forEach((v, vi) => {
    const times = devices.map((d) => nodeTimes(analysis, weights, v, d));
    cuts.forEach((cut, c) => {
      headParamBytes[vi * C + c] = headParams(analysis, weights, v, cut);
      times.forEach((t, d) => {
        let ms = 0;
        for (const i of cut.head) ms += t[i]!;
        headMs[(vi * C + c) * D + d] = ms;
      });
    });
  });
  // Variants thin the head only: the tail on the server stays dense.
  const serverTimes = nodeTimes(analysis, weights, DENSE, server);
  const total = serverTimes.reduce((a, b) => a + b, 0);
  const tailMs = Float64Array.from(cuts, (cut) => {
    let head = 0;
    for (const i of cut.head) head += serverTimes[i]!;
    return Math.max(0, total - head);
  });

  const exitMs = new Float64Array(E * D);
  const exitParamBytes = new Float64Array(E);
  const exitFits = new Uint8Array(C * E);
  exits.forEach((e, ei) => {
    exitParamBytes[ei] = e.exits.reduce((s, x) => s + x.paramBytes, 0);
    devices.forEach((d, di) => {
      exitMs[ei * D + di] = e.exits.reduce((s, x) => s + estimateNodeLatencyMs(x.flops, x.bytes, x.opClass, d), 0);
    });
    cuts.forEach((cut, c) => {
      const fits = e.exits.length === 0 || (cut.placement === 'split' && e.exits.every((x) => headComputes(analysis, cut, x.after)));
      exitFits[c * E + ei] = fits ? 1 : 0;
    });
  });

  const replyBytes = Math.max(64, analysis.totals.outputBytes);
  const payloadBytes = new Float64Array(C * K);
  const encode = new Float64Array(C * K * D);
  const decode = new Float64Array(C * K);
  const transferTypicalMs = new Float64Array(C * K * N);
  const transferMeanMs = new Float64Array(C * K * N);
  const wireBytes = new Float64Array(C * K * N);
  const radioMj = new Float64Array(C * K * N);
  const paths = networks.map(pathFromProfile);
  cuts.forEach((cut, c) => {
    codecs.forEach((codec, k) => {
      const ck = c * K + k;
      if (cut.placement === 'local') return;
      const bytes = accuracy.payloadBytes?.[ck] ?? codedBytes(codec, cut.elements);
      payloadBytes[ck] = bytes;
      devices.forEach((d, di) => { encode[ck * D + di] = encodeMs(codec, cut.elements, d); });
      decode[ck] = decodeMs(codec, cut.elements, server);
      paths.forEach((path, n) => {
        const t = estimateTransfer(Math.max(1, bytes), path, { handshake: load.connection === 'new', warm: load.connection === 'warm', replyBytes });
        transferTypicalMs[ck * N + n] = t.typicalMs;
        transferMeanMs[ck * N + n] = t.ms;
        wireBytes[ck * N + n] = t.wireBytes;
        radioMj[ck * N + n] = radioEnergyJ(networks[n]!, t.wireBytes, replyBytes + IP_TCP_HEADER_BYTES) * 1000;
      });
    });
  });

  const acc = new Float64Array(V * C * K * E);
  const measured = new Uint8Array(V * C * K * E);
  variants.forEach((variant, v) => {
    const own = spec.variantAccuracy?.[v];
    for (let ck = 0; ck < C * K; ck++) {
      exits.forEach((e, ei) => {
        if (!exitFits[Math.floor(ck / K) * E + ei]) return;
        const a = variantAccuracy(accuracy, own, variant, ck, e);
        const at = (v * C * K + ck) * E + ei;
        acc[at] = Math.min(1, Math.max(0, a.accuracy));
        measured[at] = a.source === 'measured' ? 1 : 0;
      });
    }
  });

  return {
    spec,
    sizes: { V, C, K, E, D, N },
    headMs,
    tailMs,
    headParamBytes,
    exitMs,
    exitParamBytes,
    exitFits,
    payloadBytes,
    encodeMs: encode,
    decodeMs: decode,
    transferTypicalMs,
    transferMeanMs,
    wireBytes,
    radioMj,
    accuracy: acc,
    measured,
    local: Uint8Array.from(cuts, (c) => (c.placement === 'local' ? 1 : 0)),
    peakBytes: Float64Array.from(cuts, (c) => c.headPeakActivationBytes),
    exitFraction: Float64Array.from(exits, (e) => e.exitFraction),
    busyW: Float64Array.from(devices, (d) => d.busyW),
    uplinkBps: Float64Array.from(networks, (n) => n.uplinkBps),
  };
}
