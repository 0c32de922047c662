/**
 * The analytic sweep: every (sparsity variant, cut, codec, exits, device, network) that can run
 * (exits only when the head computes what they read; local without codec or exits), each
 * scored by arithmetic on the precomputed tables (tables.ts).
 *
 * Per configuration, with x the fraction answered at an exit (R = 1 - x uploaded):
 *   local part   L = head + exits                      (edge)
 *   sent path    S = L + encode + uplink wait + transfer + server wait + tail + decode
 *   latency      the median of the mixture: L when x >= 1/2, else S with the transfer's
 *                typical (median) time and the queues' mean waits
 *   p99          L when x >= 0.99, else S with the transfer's mean (losses included) and
 *                each queue's 99th-percentile wait, taken from the exponential tail of the
 *                waiting time, P(W > t) = rho e^(-(mu - lambda) t): t99 = W ln(100 rho) / rho
 *                (an analytic stand-in: the front's percentiles come from the simulator)
 *   energy       busy power x (L + R x encode) + R x radio energy of the frame and its reply
 *   edge memory  head weights + the head's peak live activations + the exits' weights
 *   bytes        R x encoded payload
 *   accuracy     (cut, codec, exits) from accuracy.ts, plus the variant's accuracy change
 * Queues: N devices x F frames/s x R arrive at the uplink (M/D/1 of whole frames) and at the
 * server (M/D/k with the tail as service time).
 */
import { codecLabel } from '../compress/codec.js';
import { BadRequestError } from '../errors.js';
import { waitMD1, waitMDk } from '../net/queueing.js';
import type { AccuracySource, Configuration, LatencyBreakdown, Objectives } from './configuration.js';
import { buildTables, type SweepSpec, type Tables } from './tables.js';

/** The objectives in the order of SweepResult.objectives. */
export const OBJECTIVE_NAMES = ['latencyMs', 'p99Ms', 'accuracy', 'edgeMemoryBytes', 'energyMj', 'bytes'] as const;
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];
const OBJECTIVE_COUNT = OBJECTIVE_NAMES.length;

/** The most configurations one sweep scores (about 150 MB of typed arrays). */
export const MAX_SWEEP_CONFIGURATIONS = 2_000_000;

/** The choices of a configuration: indexes into the spec's variants, cuts, codecs, exits, devices, networks. */
export const CHOICE_COUNT = 6;

export interface SweepResult {
  readonly tables: Tables;
  readonly count: number;
  /** per configuration, CHOICE_COUNT indexes: variant, cut, codec, exits, device, network */
  readonly choices: Int32Array;
  /** per configuration, the objectives in OBJECTIVE_NAMES order */
  readonly objectives: Float64Array;
  /** per configuration: 1 when the accuracy was measured */
  readonly measured: Uint8Array;
  /** time of the precomputation and of the loop, ms */
  readonly tablesMs: number;
  readonly loopMs: number;
}

// Slots of the scratch array one configuration is evaluated into.
const LAT = 0, P99 = 1, ACC = 2, MEM = 3, ENERGY = 4, BYTES = 5, MEASURED = 6;
const HEAD = 7, EXIT = 8, ENCODE = 9, UPQ = 10, TRANSFER = 11, SRVQ = 12, TAIL = 13, UPLOAD = 14, WIRE = 15, PAYLOAD = 16;
const SLOTS = 17;

/** 99th percentile of a queue's wait from its mean and utilisation (exponential tail). */
function wait99(mean: number, rho: number): number {
  if (!(rho < 1)) return Infinity;
  return rho > 0.01 ? (mean * Math.log(100 * rho)) / rho : 0;
}

/** Evaluates one configuration into `out` (SLOTS values). */
function evaluateInto(t: Tables, v: number, c: number, k: number, e: number, d: number, n: number, out: Float64Array): void {
  // Bounds: v < V, c < C, k < K, e < E, d < D, n < N (the sweep's loops), and buildTables sized each table by those counts; out has SLOTS entries.
  const { C, K, E, D, N } = t.sizes;
  const { load } = t.spec;
  const vc = v * C + c;
  const ck = c * K + k;
  const ckn = ck * N + n;
  const local = t.local[c] === 1;
  const head = t.headMs[vc * D + d]!;
  const exitMs = t.exitMs[e * D + d]!;
  const x = local ? 1 : t.exitFraction[e]!;
  const r = 1 - x;
  const near = head + exitMs;
  const encode = local ? 0 : t.encodeMs[ck * D + d]!;
  const tail = local ? 0 : t.tailMs[c]! + t.decodeMs[ck]!;
  const wire = local ? 0 : t.wireBytes[ckn]!;
  const lambda = load.devices * load.fps * r;
  let upQ = 0, upQ99 = 0, srvQ = 0, srvQ99 = 0;
  if (!local && lambda > 0) {
    const frameS = (wire * 8) / t.uplinkBps[n]!;
    upQ = waitMD1(lambda, 1 / frameS) * 1000;
    upQ99 = wait99(upQ, lambda * frameS);
    if (tail > 0) {
      const mu = 1000 / tail;
      srvQ = waitMDk(lambda, mu, load.workers) * 1000;
      srvQ99 = wait99(srvQ, lambda / (load.workers * mu));
    }
  }
  const typical = local ? 0 : t.transferTypicalMs[ckn]!;
  const mean = local ? 0 : t.transferMeanMs[ckn]!;
  out[LAT] = x >= 0.5 ? near : near + encode + upQ + typical + srvQ + tail;
  out[P99] = x >= 0.99 ? near : near + encode + upQ99 + mean + srvQ99 + tail;
  const vcke = (v * C * K + ck) * E + e;
  out[ACC] = t.accuracy[vcke]!;
  out[MEASURED] = t.measured[vcke]!;
  out[MEM] = t.headParamBytes[vc]! + t.peakBytes[c]! + t.exitParamBytes[e]!;
  out[ENERGY] = t.busyW[d]! * (near + r * encode) + (local ? 0 : r * t.radioMj[ckn]!);
  const payload = local ? 0 : t.payloadBytes[ck]!;
  out[BYTES] = r * payload;
  out[HEAD] = head;
  out[EXIT] = exitMs;
  out[ENCODE] = encode;
  out[UPQ] = upQ;
  out[TRANSFER] = typical;
  out[SRVQ] = srvQ;
  out[TAIL] = tail;
  out[UPLOAD] = local ? 0 : r;
  out[WIRE] = wire;
  out[PAYLOAD] = payload;
}

/**
 * How many networks (cut, codec, exits) is tried on: none when it cannot run, one when local
 * (no codec, no exits, nothing crosses a network: recorded as network "none"), else all. Exits
 * run only when the head computes what they read.
 */
function networksFor(t: Tables, c: number, k: number, e: number): number {
  if (t.spec.cuts[c]?.placement === 'local') return k === 0 && e === 0 ? 1 : 0;
  return t.exitFits[c * t.sizes.E + e] === 1 ? t.sizes.N : 0;
}

/** Runs the sweep over `spec`. */
export function sweep(spec: SweepSpec): SweepResult {
  const t0 = performance.now();
  const t = buildTables(spec);
  const t1 = performance.now();
  const { V, C, K, E, D } = t.sizes;
  let perVariantDevice = 0;
  for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) for (let e = 0; e < E; e++) perVariantDevice += networksFor(t, c, k, e);
  const count = perVariantDevice * V * D;
  if (count > MAX_SWEEP_CONFIGURATIONS) {
    throw new BadRequestError(`the sweep has ${count} configurations (${C} cuts x ${t.sizes.K} codecs x ${E} exit configurations x ${V} sparsity variants x ${D} devices x ${t.sizes.N} networks, less those that cannot run); at most ${MAX_SWEEP_CONFIGURATIONS}: give fewer codecs, exit thresholds, variants, devices or networks`);
  }
  const choices = new Int32Array(count * CHOICE_COUNT);
  const objectives = new Float64Array(count * OBJECTIVE_COUNT);
  const measured = new Uint8Array(count);
  const out = new Float64Array(SLOTS);
  let i = 0;
  for (let v = 0; v < V; v++) {
    for (let c = 0; c < C; c++) {
      for (let k = 0; k < K; k++) {
        for (let e = 0; e < E; e++) {
          const networks = networksFor(t, c, k, e);
          for (let d = 0; d < D; d++) {
            for (let n = 0; n < networks; n++) {
              evaluateInto(t, v, c, k, e, d, n, out);
              const ch = i * CHOICE_COUNT;
              choices[ch] = v;
              choices[ch + 1] = c;
              choices[ch + 2] = k;
              choices[ch + 3] = e;
              choices[ch + 4] = d;
              choices[ch + 5] = n;
              // out has SLOTS > OBJECTIVE_COUNT entries
              for (let j = 0; j < OBJECTIVE_COUNT; j++) objectives[i * OBJECTIVE_COUNT + j] = out[j]!;
              measured[i] = out[MEASURED]!; // MEASURED < SLOTS
              i++;
            }
          }
        }
      }
    }
  }
  return { tables: t, count, choices, objectives, measured, tablesMs: t1 - t0, loopMs: performance.now() - t1 };
}

/** The objectives of configuration `i` of a sweep. */
export function objectivesOf(r: SweepResult, i: number): Objectives {
  // Bounds: o is a subarray of OBJECTIVE_COUNT entries, and each slot constant is below that.
  const o = r.objectives.subarray(i * OBJECTIVE_COUNT, (i + 1) * OBJECTIVE_COUNT);
  const source: AccuracySource = r.measured[i] ? 'measured' : 'predicted';
  return {
    latencyMs: o[LAT]!,
    p99Ms: o[P99]!,
    accuracy: o[ACC]!,
    accuracySource: source,
    edgeMemoryBytes: o[MEM]!,
    energyMj: o[ENERGY]!,
    bytes: o[BYTES]!,
  };
}

/** Configuration `i` of a sweep, with its choices named and its latency broken down. */
export function configurationOf(r: SweepResult, i: number): Configuration {
  // Bounds: a configuration's choices are CHOICE_COUNT entries, so all six destructured values are there (the spec lookups are checked just below), and out has SLOTS entries, one per slot constant.
  const t = r.tables;
  const [v, c, k, e, d, n] = Array.from(r.choices.subarray(i * CHOICE_COUNT, (i + 1) * CHOICE_COUNT));
  const { spec } = t;
  const cut = spec.cuts[c!];
  const exits = spec.exits[e!];
  const variant = spec.variants[v!];
  const device = spec.devices[d!];
  const network = spec.networks[n!];
  const codec = spec.codecs[k!];
  if (!cut || !exits || !variant || !device || !network || !codec) throw new BadRequestError(`configuration ${i} is not in the sweep`);
  const out = new Float64Array(SLOTS);
  evaluateInto(t, v!, c!, k!, e!, d!, n!, out);
  const breakdown: LatencyBreakdown = {
    headMs: out[HEAD]!,
    exitMs: out[EXIT]!,
    encodeMs: out[ENCODE]!,
    uplinkQueueMs: out[UPQ]!,
    transferMs: out[TRANSFER]!,
    serverQueueMs: out[SRVQ]!,
    tailMs: out[TAIL]!,
    uploadFraction: out[UPLOAD]!,
    wireBytes: out[WIRE]!,
    payloadBytes: out[PAYLOAD]!,
  };
  const codecText = cut.placement === 'local' ? 'none' : codecLabel(codec);
  const exitText = exits.label;
  return {
    id: [`cut=${cut.placement === 'split' ? cut.tensors.join('+') : cut.placement}`, `codec=${codecText}`, `exits=${exitText}`, `sparsity=${variant.label}`, `device=${device.name}`, `network=${cut.placement === 'local' ? 'none' : network.name}`].join(' '),
    placement: cut.placement,
    cut: cut.tensors,
    codec: codecText,
    exits: exits.exits.map((x) => ({ name: x.name, after: x.after, threshold: x.threshold })),
    sparsity: variant.label,
    device: device.name,
    network: cut.placement === 'local' ? 'none' : network.name,
    objectives: objectivesOf(r, i),
    latencySource: 'analytic',
    breakdown,
  };
}
