/**
 * Network profiles: the figures of an access network that the analytic model and the simulator
 * need, for Ethernet, Wi-Fi, 4G, 5G and a low-power WAN, plus validation of users' own profiles.
 *
 * Figures are typical, not best case; each entry cites where they come from. Radio power is the
 * device's power while its radio transmits (tx) or receives (rx) at the profile's rate, so
 * energy per bit sent = txW / uplinkBps.
 */
import { BadProfileError } from '../errors.js';
import { CONGESTION_CONTROLS, type CongestionControlName } from './congestion.js';
import type { PathSpec } from './path.js';
import { checkSchema, parseProfileJson, type Schema } from './schema.js';

export interface NetworkProfile {
  readonly name: string;
  readonly description?: string;
  /** Edge -> server, bit/s. */
  readonly uplinkBps: number;
  /** Server -> edge, bit/s. */
  readonly downlinkBps: number;
  /** Round-trip time without load, ms. */
  readonly rttMs: number;
  /** Variation of the one-way delay, ms. */
  readonly jitterMs: number;
  /** Residual packet loss after link-layer retransmissions, 0..1. */
  readonly lossRate: number;
  /** IP MTU, bytes. */
  readonly mtu: number;
  /** Link-layer bytes per packet on the wire (framing). */
  readonly linkOverheadBytes?: number;
  /** Bottleneck buffer, bytes (default: 2 x BDP, at least 64 KB). */
  readonly queueBytes?: number;
  /** Radio (or NIC) power while transmitting / receiving, W. */
  readonly radioTxW: number;
  readonly radioRxW: number;
  /** Sender's TCP congestion control on this network (default bbr, the Linux default here). */
  readonly congestionControl?: CongestionControlName;
  /** Where the figures come from. */
  readonly source?: string;
}

export const NETWORK_PROFILE_SCHEMA: Schema = {
  name: { type: 'string' },
  description: { type: 'string', optional: true },
  uplinkBps: { type: 'number', unit: 'bit/s', above: 0 },
  downlinkBps: { type: 'number', unit: 'bit/s', above: 0 },
  rttMs: { type: 'number', unit: 'ms', min: 0 },
  jitterMs: { type: 'number', unit: 'ms', min: 0 },
  lossRate: { type: 'number', unit: 'fraction of packets, 0..1', min: 0, max: 0.99 },
  mtu: { type: 'number', unit: 'bytes', min: 576, max: 65535 },
  linkOverheadBytes: { type: 'number', unit: 'bytes', min: 0, optional: true },
  queueBytes: { type: 'number', unit: 'bytes', above: 0, optional: true },
  radioTxW: { type: 'number', unit: 'W', min: 0 },
  radioRxW: { type: 'number', unit: 'W', min: 0 },
  congestionControl: { type: 'string', oneOf: CONGESTION_CONTROLS, optional: true },
  source: { type: 'string', optional: true },
};

/** Built-in profiles, by name. */
export const NETWORK_PROFILES: Readonly<Record<string, NetworkProfile>> = {
  // Gigabit Ethernet on a LAN: 1 Gbit/s, sub-millisecond RTT; 38 bytes of framing per packet
  // (preamble 8, header 14, FCS 4, inter-frame gap 12, IEEE 802.3). A 1000BASE-T PHY draws
  // about 0.5-1 W (IEEE 802.3az studies); 0.7 W taken for both directions.
  ethernet: {
    name: 'ethernet',
    description: 'Gigabit Ethernet, same LAN as the server',
    uplinkBps: 1e9,
    downlinkBps: 1e9,
    rttMs: 0.3,
    jitterMs: 0.05,
    lossRate: 0,
    mtu: 1500,
    linkOverheadBytes: 38,
    radioTxW: 0.7,
    radioRxW: 0.7,
    source: 'IEEE 802.3 framing; PHY power from 802.3az energy-efficient Ethernet literature',
  },
  // Wi-Fi 5 (802.11ac) to an edge server on the LAN: typical TCP throughput 50 up / 100 down
  // Mbit/s at moderate signal; 3-5 ms RTT; MAC retransmissions leave ~0.1% residual loss.
  // Power: Huang et al., MobiSys 2012, Wi-Fi uplink ~1.3 W, downlink ~0.9 W on a phone.
  wifi: {
    name: 'wifi',
    description: 'Wi-Fi 5 (802.11ac), edge server on the LAN',
    uplinkBps: 50e6,
    downlinkBps: 100e6,
    rttMs: 4,
    jitterMs: 2,
    lossRate: 0.001,
    mtu: 1500,
    linkOverheadBytes: 0,
    radioTxW: 1.3,
    radioRxW: 0.9,
    source: 'typical 802.11ac TCP throughput; Huang et al. MobiSys 2012 (power)',
  },
  // LTE: OpenSignal/Ookla typical 4G speeds ~30 Mbit/s down, ~10 Mbit/s up; RTT ~50 ms to a
  // cloud region; HARQ/RLC leave ~0.5% residual loss under mobility. MTU 1428 (GTP tunnelling
  // overhead on common carriers). Power: Huang et al., MobiSys 2012: LTE ~1.29 W base +
  // 0.438 W per Mbit/s up (3.7 W at 5.5 Mbit/s), +0.052 W per Mbit/s down.
  '4g': {
    name: '4g',
    description: 'LTE, server in a cloud region',
    uplinkBps: 10e6,
    downlinkBps: 30e6,
    rttMs: 50,
    jitterMs: 8,
    lossRate: 0.005,
    mtu: 1428,
    linkOverheadBytes: 0,
    radioTxW: 3.5,
    radioRxW: 2.8,
    source: 'OpenSignal/Ookla 4G medians; Huang et al. MobiSys 2012 (LTE power model)',
  },
  // 5G NR sub-6 GHz (NSA): Narayanan et al., WWW 2020 and SIGCOMM 2021 measured ~200-400 Mbit/s
  // down, 30-60 up, 20-30 ms RTT to nearby servers; 5G radios draw ~2x LTE's power (SIGCOMM 2021).
  '5g': {
    name: '5g',
    description: '5G NR sub-6 GHz (NSA), server at the operator edge',
    uplinkBps: 50e6,
    downlinkBps: 300e6,
    rttMs: 20,
    jitterMs: 4,
    lossRate: 0.001,
    mtu: 1500,
    linkOverheadBytes: 0,
    radioTxW: 5,
    radioRxW: 4,
    source: 'Narayanan et al. WWW 2020, SIGCOMM 2021',
  },
  // NB-IoT (3GPP Rel-13, LPWAN): peak ~62.5 kbit/s up (multi-tone), ~27 kbit/s down; effective
  // ~20 kbit/s up; latency 1.6-10 s by the 3GPP TR 45.820 targets, ~1 s RTT in good coverage.
  // MTU often limited to 1280 (IPv6 minimum) on NB-IoT bearers. Module power: u-blox SARA-N2
  // data sheet, ~220 mA at 3.6 V transmitting at 23 dBm (0.8 W), ~46 mA receiving (0.17 W).
  lpwan: {
    name: 'lpwan',
    description: 'NB-IoT low-power WAN',
    uplinkBps: 20e3,
    downlinkBps: 25e3,
    rttMs: 1000,
    jitterMs: 200,
    lossRate: 0.01,
    mtu: 1280,
    linkOverheadBytes: 0,
    queueBytes: 16_000,
    radioTxW: 0.8,
    radioRxW: 0.17,
    source: '3GPP TR 45.820 / TS 36.300 (NB-IoT rates, latency); u-blox SARA-N2 data sheet (power)',
  },
};

export function networkProfileNames(): string[] {
  return Object.keys(NETWORK_PROFILES).sort();
}

/** A built-in profile by name; unknown names list the known ones. */
export function getNetworkProfile(name: string): NetworkProfile {
  const p = Object.hasOwn(NETWORK_PROFILES, name) ? NETWORK_PROFILES[name] : undefined;
  if (!p) throw new BadProfileError(`unknown network "${name}" (known: ${networkProfileNames().join(', ')})`);
  return p;
}

/** Validate a user's profile (parsed JSON); errors name the offending field. */
export function checkNetworkProfile(value: unknown, source = 'network profile'): NetworkProfile {
  checkSchema(value, NETWORK_PROFILE_SCHEMA, source);
  return value as NetworkProfile;
}

/** Parse and validate a profile from JSON text (a file's content). */
export function parseNetworkProfile(text: string, source: string): NetworkProfile {
  return checkNetworkProfile(parseProfileJson(text, source), source);
}

/** The path the models take, from a profile (overrides applied by the caller). */
export function pathFromProfile(p: NetworkProfile): PathSpec {
  return {
    uplinkBps: p.uplinkBps,
    downlinkBps: p.downlinkBps,
    rttMs: p.rttMs,
    lossRate: p.lossRate,
    mtu: p.mtu,
    jitterMs: p.jitterMs,
    linkOverheadBytes: p.linkOverheadBytes ?? 0,
    ...(p.queueBytes !== undefined ? { queueBytes: p.queueBytes } : {}),
    ...(p.congestionControl !== undefined ? { congestionControl: p.congestionControl } : {}),
  };
}

/** Radio energy to send `txBytes` and receive `rxBytes` on the wire, joules. */
export function radioEnergyJ(p: NetworkProfile, txBytes: number, rxBytes = 0): number {
  if (txBytes < 0 || rxBytes < 0) throw new BadProfileError('radio energy: byte counts must be >= 0');
  return (txBytes * 8 * p.radioTxW) / p.uplinkBps + (rxBytes * 8 * p.radioRxW) / p.downlinkBps;
}
