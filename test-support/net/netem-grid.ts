/**
 * The real-link validation grid: for each (rate, RTT, loss) point, real kernel TCP transfers
 * through a ShapedLink, and the analytic model and the simulator for the same path. Used by
 * bench/netem (the whole grid) and test/net/netem.test.ts (a few points).
 */
import { estimateTransfer } from '../../src/net/analytic.js';
import { median } from '../../src/net/stats.js';
import type { PathSpec } from '../../src/net/path.js';
import { simulateTransferStats } from '../../src/net/transfer-sim.js';
import { burstBytesFor, LEGACY_BURST_BYTES, ShapedLink } from './shaped-link.js';

export interface GridPoint {
  readonly rateBps: number;
  readonly rttMs: number;
  readonly lossPct: number;
  /** tbf bucket the point was measured with (stored runs without it used LEGACY_BURST_BYTES). */
  readonly burstBytes?: number;
}

/** A point as the link shapes it: its bucket made explicit (burstBytesFor its rate unless given). */
export function shapedPoint(p: GridPoint): GridPoint & { readonly burstBytes: number } {
  return { ...p, burstBytes: p.burstBytes ?? burstBytesFor(p.rateBps) };
}

export interface GridRow extends GridPoint {
  readonly bytes: number;
  readonly congestionControl: string;
  readonly samplesMs: readonly number[];
  readonly measuredMs: number;
  readonly analyticMs: number;
  readonly simulatedMs: number;
  /** (model - measured) / measured */
  readonly analyticError: number;
  readonly simulatedError: number;
}

export interface GridOptions {
  readonly points: readonly GridPoint[];
  readonly sizes: readonly number[];
  /** Transfers per size without / with loss (loss makes times spread, so more samples). */
  readonly repeats: number;
  readonly repeatsWithLoss: number;
  /** Simulated seeds per figure with loss. */
  readonly simRuns?: number;
  /** Sender congestion control (set on the route); default: the kernel's. */
  readonly congestionControl?: string;
  readonly onRow?: (row: GridRow) => void;
}

/** The probe writes a 4-byte length before the payload. */
const FRAME_HEADER_BYTES = 4;

/** The path the models see for a grid point: exactly what ShapedLink configures. */
export function pathForPoint(p: GridPoint, congestionControl: string): PathSpec {
  return {
    uplinkBps: p.rateBps,
    downlinkBps: p.rateBps,
    rttMs: p.rttMs,
    lossRate: p.lossPct / 100,
    mtu: 1500,
    queueBytes: queueBytesForPoint(p),
    burstBytes: p.burstBytes ?? LEGACY_BURST_BYTES,
    linkOverheadBytes: 0,
    congestionControl: congestionControl === 'cubic' || congestionControl === 'reno' ? congestionControl : 'bbr',
    // tbf is the sender's own qdisc: TCP small queues hold bursts in the socket.
    bottleneckAtSender: true,
  };
}

/** tbf limit: two bandwidth-delay products, at least 64 KB (the simulator's default too). */
export function queueBytesForPoint(p: GridPoint): number {
  return Math.max((2 * p.rateBps * p.rttMs) / 8000, 64_000);
}

/** The models' figures for one measured point (also used to re-score stored measurements). */
export function modelRow(point: GridPoint, bytes: number, congestionControl: string, samplesMs: readonly number[], simRuns = 21): GridRow {
  const path = pathForPoint(point, congestionControl);
  const measuredMs = median(samplesMs);
  const wire = bytes + FRAME_HEADER_BYTES;
  const analyticMs = estimateTransfer(wire, path).typicalMs;
  const simulatedMs = simulateTransferStats({ bytes: wire, path }, point.lossPct > 0 ? simRuns : 1).medianMs;
  return {
    ...(point.burstBytes === undefined ? {} : { burstBytes: point.burstBytes }),
    rateBps: point.rateBps,
    rttMs: point.rttMs,
    lossPct: point.lossPct,
    bytes,
    congestionControl,
    samplesMs,
    measuredMs,
    analyticMs,
    simulatedMs,
    analyticError: (analyticMs - measuredMs) / measuredMs,
    simulatedError: (simulatedMs - measuredMs) / measuredMs,
  };
}

export async function runGrid(o: GridOptions): Promise<GridRow[]> {
  const link = await ShapedLink.create(o.congestionControl);
  const rows: GridRow[] = [];
  try {
    const cc = link.congestionControl();
    for (const given of o.points) {
      const point = shapedPoint(given);
      await link.configure({ rateBps: point.rateBps, rttMs: point.rttMs, lossPct: point.lossPct, queueBytes: queueBytesForPoint(point), burstBytes: point.burstBytes });
      const samples = await link.transfer(o.sizes, point.lossPct > 0 ? o.repeatsWithLoss : o.repeats);
      for (const bytes of o.sizes) {
        const ms = samples.filter((s) => s.bytes === bytes).map((s) => s.ms);
        const row = modelRow(point, bytes, cc, ms, o.simRuns);
        rows.push(row);
        o.onRow?.(row);
      }
    }
  } finally {
    await link.close();
  }
  return rows;
}

/** Median of |relative error| over rows. */
export function medianAbsError(rows: readonly GridRow[], which: 'analyticError' | 'simulatedError'): number {
  return median(rows.map((r) => Math.abs(r[which])));
}
