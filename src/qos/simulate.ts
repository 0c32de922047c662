/**
 * A configuration through the discrete-event simulator (src/net/scenario.ts): N edge devices
 * share the uplink and the server's queue, each sending its frames over one long-lived TCP
 * connection. Frames an exit answers are never sent: the simulator carries the uploaded ones
 * (F x R frames per second per device, R the upload fraction), and the latency distribution is
 * the mixture of the exited frames (head + exits, a fraction 1 - R) and the simulated ones.
 * Frames that did not complete count as infinitely late, so an overloaded configuration shows
 * an unbounded p99 rather than the latency of the frames that happened to finish.
 *
 * Without a frame rate (load.fps = 0) frames are sent far apart (three sent-path latencies),
 * from one device: the transfer's own spread (loss, jitter, retransmissions) without queueing.
 */
import { pathFromProfile, type NetworkProfile } from '../net/profiles.js';
import { simulateScenario } from '../net/scenario.js';
import type { Configuration } from './configuration.js';
import { configurationOfEntry, type PlanDocument, type PlanEntry } from './plan-file.js';
import type { Load } from './tables.js';

export interface SimulationOptions {
  readonly load: Load;
  /** uploaded frames to simulate, at least (default 400; about, with Poisson arrivals) */
  readonly frames?: number;
  readonly arrivals?: 'periodic' | 'poisson';
  readonly seed?: number;
}

export interface SimulatedLatency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** frames the simulator sent, and those that did not complete */
  readonly framesSent: number;
  readonly framesLost: number;
  readonly events: number;
}

/** Uploaded frames per simulation by default: enough for a 99th percentile of the mixture. */
export const DEFAULT_SIMULATED_FRAMES = 400;

/**
 * The q-quantile (nearest rank) of the mixture: weight 1 - r at `near`, weight r spread over
 * the simulated frames, the `lost` ones last (at Infinity).
 */
function mixtureQuantile(q: number, near: number, r: number, sorted: Float64Array, lost: number): number {
  const x = 1 - r;
  if (q <= x) return near;
  const total = sorted.length + lost;
  if (total === 0) return Infinity;
  const level = (q - x) / r;
  const rank = Math.min(total, Math.max(1, Math.ceil(level * total)));
  return rank > sorted.length ? Infinity : sorted[rank - 1]!; // 1 <= rank <= sorted.length here
}

/** Simulates `config` on `network`; a local configuration (nothing sent) is not simulated. */
export function simulateConfiguration(config: Configuration, network: NetworkProfile, o: SimulationOptions): SimulatedLatency {
  const b = config.breakdown;
  const near = b.headMs + b.exitMs;
  const r = b.uploadFraction;
  if (config.placement === 'local' || r === 0) return { p50Ms: near, p99Ms: near, framesSent: 0, framesLost: 0, events: 0 };
  const frames = o.frames ?? DEFAULT_SIMULATED_FRAMES;
  const isolated = !(o.load.fps > 0);
  const devices = isolated ? 1 : o.load.devices;
  const sentMs = near + b.encodeMs + b.transferMs + b.tailMs;
  const fps = isolated ? 1000 / (3 * Math.max(sentMs, 1)) : o.load.fps * r;
  const result = simulateScenario({
    frame: { headMs: near, encodeMs: b.encodeMs, payloadBytes: Math.max(1, b.payloadBytes), tailMs: b.tailMs },
    path: pathFromProfile(network),
    devices,
    fps,
    // One extra period per device: periodic arrivals with a random phase then give at least `frames`.
    durationS: (frames + devices) / (devices * fps),
    arrivals: o.arrivals ?? 'periodic',
    workers: o.load.workers,
    seed: o.seed ?? 1,
    keepLatencies: true,
  });
  const sorted = result.latenciesMs ?? new Float64Array(0);
  return {
    p50Ms: mixtureQuantile(0.5, near, r, sorted, result.framesLost),
    p99Ms: mixtureQuantile(0.99, near, r, sorted, result.framesLost),
    framesSent: result.framesSent,
    framesLost: result.framesLost,
    events: result.events,
  };
}

/** A plan entry re-simulated: the load used (the plan's, with devices and fps replaced when given) and the figures. */
export interface PlanEntrySimulation {
  readonly load: Load;
  readonly simulated: SimulatedLatency;
}

/**
 * Runs a plan entry through the simulator with the plan's load, or with `devices`/`fps`
 * replaced (`cleave simulate plan.json`). A local entry sends nothing: its latency is its head's.
 */
export function simulatePlanEntry(doc: PlanDocument, entry: PlanEntry, o: { readonly devices?: number; readonly fps?: number; readonly frames?: number; readonly seed?: number } = {}): PlanEntrySimulation {
  const network = doc.networks[entry.network];
  const load = { ...doc.load, devices: o.devices ?? doc.load.devices, fps: o.fps ?? doc.load.fps };
  const simulated = entry.placement === 'local' || !network
    ? { p50Ms: entry.breakdown.headMs ?? 0, p99Ms: entry.breakdown.headMs ?? 0, framesSent: 0, framesLost: 0, events: 0 }
    : simulateConfiguration(configurationOfEntry(entry), network, { load, frames: o.frames ?? DEFAULT_SIMULATED_FRAMES, arrivals: doc.load.arrivals, seed: o.seed });
  return { load, simulated };
}
