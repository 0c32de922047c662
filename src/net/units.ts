/**
 * Parsing of the units people type: sizes (B, KB, MB, GB decimal; KiB, MiB, GiB binary), bit
 * rates (bit, kbit, mbit, gbit, also kbps/Mbps/Gbps), durations (us, ms, s) and percentages.
 * Errors say what was expected, with an example.
 */
import { BadRequestError } from '../errors.js';

const SIZE: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const RATE: Readonly<Record<string, number>> = {
  bit: 1,
  bps: 1,
  kbit: 1e3,
  kbps: 1e3,
  mbit: 1e6,
  mbps: 1e6,
  gbit: 1e9,
  gbps: 1e9,
};
const TIME_S: Readonly<Record<string, number>> = { us: 1e-6, ms: 1e-3, s: 1 };

function split(text: string, what: string, example: string): [number, string] {
  const m = /^\s*(-?[0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([a-z%]*)\s*$/i.exec(text);
  if (!m) throw new BadRequestError(`${what}: cannot read "${text}" (e.g. ${example})`);
  return [Number(m[1]), m[2]!.toLowerCase()]; // the pattern's group 2 is not optional
}

/** "250KB" -> 250000, "1.5MiB" -> 1572864; a bare number is bytes. */
export function parseBytes(text: string, what = 'size'): number {
  const [v, u] = split(text, what, '250KB, 1.5MiB, 4096');
  const f = u === '' ? 1 : SIZE[u];
  if (f === undefined) throw new BadRequestError(`${what}: unknown unit "${u}" in "${text}" (use B, KB, MB, GB, KiB, MiB, GiB)`);
  const bytes = Math.round(v * f);
  if (!(bytes > 0)) throw new BadRequestError(`${what} must be > 0 bytes, got "${text}"`);
  return bytes;
}

/** "10mbit" -> 1e7 bit/s. */
export function parseBitRate(text: string, what = 'bandwidth'): number {
  const [v, u] = split(text, what, '10mbit, 500kbit, 1gbit');
  const f = RATE[u];
  if (f === undefined) throw new BadRequestError(`${what}: unknown unit "${u || '(none)'}" in "${text}" (use bit, kbit, mbit, gbit or kbps, Mbps, Gbps)`);
  const bps = v * f;
  if (!(bps > 0)) throw new BadRequestError(`${what} must be > 0, got "${text}"`);
  return bps;
}

/** "50ms" -> 50, "0.2s" -> 200 (milliseconds). A bare number is milliseconds. */
export function parseDurationMs(text: string, what = 'duration'): number {
  const [v, u] = split(text, what, '50ms, 0.2s, 300us');
  const f = u === '' ? 1e-3 : TIME_S[u];
  if (f === undefined) throw new BadRequestError(`${what}: unknown unit "${u}" in "${text}" (use us, ms, s)`);
  if (v < 0) throw new BadRequestError(`${what} must be >= 0, got "${text}"`);
  return v * f * 1000;
}

/** "1%" -> 0.01; a bare number is also read as percent ("1" = 1 %). */
export function parsePercent(text: string, what = 'loss'): number {
  const [v, u] = split(text, what, '1%, 0.5%');
  if (u !== '' && u !== '%') throw new BadRequestError(`${what}: expected a percentage such as 1% or 0.5%, got "${text}"`);
  if (v < 0) throw new BadRequestError(`${what} must be >= 0%, got "${text}"`);
  if (v >= 100) throw new BadRequestError(`${what} must be below 100%, got "${text}"`);
  return v / 100;
}

/** Human form of a bit rate: 10 Mbit/s. */
export function formatBitRate(bps: number): string {
  if (bps >= 1e9) return `${+(bps / 1e9).toFixed(2)} Gbit/s`;
  if (bps >= 1e6) return `${+(bps / 1e6).toFixed(2)} Mbit/s`;
  if (bps >= 1e3) return `${+(bps / 1e3).toFixed(2)} kbit/s`;
  return `${+bps.toFixed(0)} bit/s`;
}
