/**
 * A network path as a user describes it: a profile (built-in or their own) with some figures
 * overridden, or the figures alone. What `cleave simulate --network 4g --rtt 80ms` runs on.
 */
import type { CongestionControlName } from './congestion.js';
import type { PathSpec } from './path.js';
import { type NetworkProfile, pathFromProfile } from './profiles.js';
import { formatBitRate } from './units.js';

/** Figures that replace the profile's. */
export interface PathOverrides {
  readonly uplinkBps?: number;
  /** default: the profile's, unless the uplink is overridden (then the uplink's) */
  readonly downlinkBps?: number;
  readonly rttMs?: number;
  readonly lossRate?: number;
  readonly jitterMs?: number;
  readonly mtu?: number;
  readonly congestionControl?: CongestionControlName;
}

/** Without a profile: a 1500-byte MTU, no loss, no jitter, BBR; the rest must be overridden. */
const BARE: PathSpec = { uplinkBps: 1, downlinkBps: 1, rttMs: 0, lossRate: 0, mtu: 1500 };

/** `profile`'s path (or a bare one) with the overrides applied. */
export function pathWith(profile: NetworkProfile | undefined, o: PathOverrides): PathSpec {
  const base = profile ? pathFromProfile(profile) : BARE;
  const up = o.uplinkBps ?? base.uplinkBps;
  return {
    ...base,
    uplinkBps: up,
    downlinkBps: o.downlinkBps ?? (profile && o.uplinkBps === undefined ? base.downlinkBps : up),
    rttMs: o.rttMs ?? base.rttMs,
    lossRate: o.lossRate ?? base.lossRate,
    jitterMs: o.jitterMs ?? base.jitterMs ?? 0,
    mtu: o.mtu ?? base.mtu,
    congestionControl: o.congestionControl ?? base.congestionControl ?? 'bbr',
  };
}

/** One line naming the path: "4g: uplink 10 Mbit/s, downlink ..., RTT 50 ms, loss 0.1%, MTU 1500, bbr". */
export function pathLabel(path: PathSpec, profile?: NetworkProfile): string {
  return `${profile ? `${profile.name}: ` : ''}uplink ${formatBitRate(path.uplinkBps)}, downlink ${formatBitRate(path.downlinkBps)}, RTT ${path.rttMs} ms, loss ${+(path.lossRate * 100).toFixed(3)}%, MTU ${path.mtu}, ${path.congestionControl}`;
}
