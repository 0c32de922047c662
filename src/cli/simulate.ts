/**
 * `cleave simulate`: how long does it take to ship a cut tensor, and what happens when many
 * devices share the link? Thin over src/net: parse, call the analytic model and the simulator,
 * print.
 */
import { readFileSync } from 'node:fs';
import { BadRequestError, IoError, ioFailure } from '../errors.js';
import { estimateTransfer } from '../net/analytic.js';
import { CONGESTION_CONTROLS, type CongestionControlName } from '../net/congestion.js';
import type { PathSpec } from '../net/path.js';
import { getNetworkProfile, parseNetworkProfile, pathFromProfile, type NetworkProfile } from '../net/profiles.js';
import { simulateScenario, type ScenarioOptions, type ScenarioResult } from '../net/scenario.js';
import { estimateSplitLatency } from '../net/split-latency.js';
import { simulateTransferStats } from '../net/transfer-sim.js';
import { formatBitRate, parseBitRate, parseBytes, parseDurationMs, parsePercent } from '../net/units.js';
import { type CutEstimate, estimateCut } from '../profile/cut-estimate.js';
import { deviceNames, getDevice } from '../profile/device-catalogue.js';
import { type DeviceProfile, parseDeviceProfile } from '../profile/device-profile.js';
import { parse, positiveInt } from './args.js';
import { analyzeFile } from './load.js';
import { EXIT } from './exit-codes.js';
import { table } from './format.js';
import { type CliIo, printHelp } from './io.js';

export const SIMULATE_HELP = `Usage:
  cleave simulate --payload SIZE (--network NAME | --network-file FILE | --bandwidth RATE --rtt TIME) [options]
  cleave simulate --devices N --fps F --payload SIZE --network NAME [--duration S] [options]
  cleave simulate --model MODEL --at TENSOR --device EDGE --server SERVER --network NAME [--devices N --fps F] [options]

One transfer (the first form): the time to send SIZE over a TCP connection (new by default),
from connect() or the write to the server's reply, by the analytic model and by the
discrete-event simulator (median and p95 over --runs seeds).
Many devices (the second form): N devices capture frames at F per second, run the head, send
the cut tensor over one shared uplink, wait in the server's queue for one of K workers, run the
tail and get the reply; prints latency percentiles, throughput, loss, queues and utilisation.

Network:
  --network NAME          built-in profile: ethernet, wifi, 4g, 5g, lpwan
  --network-file FILE     your own profile (JSON, same fields as the built-in ones)
  --bandwidth RATE        uplink rate (e.g. 10mbit, 500kbit, 1gbit); overrides the profile
  --downlink RATE         downlink rate (default: the profile's, or --bandwidth)
  --rtt TIME              round-trip time (e.g. 50ms, 0.2s)
  --loss P                random packet loss per direction (e.g. 1%, 0.5%)
  --jitter TIME           one-way delay jitter
  --mtu BYTES             IP MTU (default 1500)
  --cc NAME               TCP congestion control: bbr, cubic, reno (default: the profile's, else bbr,
                          the Linux default on the machines cleave was validated on)
Transfer:
  --payload SIZE          bytes of the cut tensor (e.g. 250KB, 1.5MiB, 4096)
  --connection C          new (default: handshake and slow start), kept-alive (no handshake,
                          window restarted, as CUBIC/Reno after an idle RTO) or warm (an open
                          connection after earlier frames, as BBR keeps it: the simulator sends
                          2 frames first, the analytic model takes the window as open)
  --runs N                simulated transfers (seeds) per figure (default 21)
  --seed N                first seed (default 1)
A cut of a model (the third form): the payload is the cut's bytes, the head's and tail's times are
estimated per layer from the device profiles (roofline, calibrated), then either form runs.
  --model FILE --at T[,T2]  the model and the cut (see \`cleave analyze\`)
  --device NAME|FILE      the edge device: a catalogue name (raspberry-pi-4, jetson-nano, ...) or a
                          profile JSON, e.g. one written by \`cleave profile -o\` on that device
  --server NAME|FILE      the server (default xeon-server)
  --batch N               images per inference (default 1)
Many devices:
  --devices N  --fps F    devices and frames per second per device
  --duration S            seconds of frame generation (default 10)
  --arrivals KIND         periodic (default) or poisson
  --head-ms X             head latency on the device (default 0)
  --service-ms X          tail latency on the server, one request (default 5)
  --service KIND          fixed (default) or exponential service times
  --workers K             server workers (default 1)
  --transport tcp|udp     default tcp (one long-lived connection per device)
Output:
  --json                  machine-readable result
  -h, --help              this text
`;

const OPTIONS = {
  payload: { type: 'string' },
  network: { type: 'string' },
  'network-file': { type: 'string' },
  bandwidth: { type: 'string' },
  downlink: { type: 'string' },
  rtt: { type: 'string' },
  loss: { type: 'string' },
  jitter: { type: 'string' },
  mtu: { type: 'string' },
  cc: { type: 'string' },
  runs: { type: 'string' },
  seed: { type: 'string' },
  connection: { type: 'string' },
  devices: { type: 'string' },
  fps: { type: 'string' },
  duration: { type: 'string' },
  arrivals: { type: 'string' },
  'head-ms': { type: 'string' },
  'service-ms': { type: 'string' },
  service: { type: 'string' },
  workers: { type: 'string' },
  transport: { type: 'string' },
  model: { type: 'string' },
  at: { type: 'string' },
  device: { type: 'string' },
  server: { type: 'string' },
  batch: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

function positiveNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(Number.isFinite(n) && n > 0)) throw new BadRequestError(`--${name} must be a positive number, got "${text}"`);
  return n;
}

function nonNegativeMs(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDurationMs(text, `--${name}`);
  if (!(ms >= 0)) throw new BadRequestError(`--${name} must be >= 0`);
  return ms;
}

function oneOf<T extends string>(text: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw new BadRequestError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
}

/** The network path from --network/--network-file plus overrides. */
export function pathFromArgs(v: Values): { path: PathSpec; label: string; profile?: NetworkProfile } {
  let profile: NetworkProfile | undefined;
  if (v.network !== undefined && v['network-file'] !== undefined) throw new BadRequestError('give --network or --network-file, not both');
  if (v.network !== undefined) profile = getNetworkProfile(v.network);
  if (v['network-file'] !== undefined) {
    const file = v['network-file'];
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new IoError(`cannot read network profile ${file}: ${(e as Error).message}`);
    }
    profile = parseNetworkProfile(text, file);
  }
  if (!profile && (v.bandwidth === undefined || v.rtt === undefined)) {
    throw new BadRequestError('say which network: --network NAME (ethernet, wifi, 4g, 5g, lpwan), --network-file FILE, or --bandwidth RATE --rtt TIME');
  }
  const base: PathSpec = profile ? pathFromProfile(profile) : { uplinkBps: 1, downlinkBps: 1, rttMs: 0, lossRate: 0, mtu: 1500 };
  const up = v.bandwidth !== undefined ? parseBitRate(v.bandwidth, '--bandwidth') : base.uplinkBps;
  const down = v.downlink !== undefined ? parseBitRate(v.downlink, '--downlink') : profile && v.bandwidth === undefined ? base.downlinkBps : up;
  const mtu = v.mtu !== undefined ? positiveInt(v.mtu, 'mtu', 1500) : base.mtu;
  if (mtu < 576 || mtu > 65535) throw new BadRequestError(`--mtu must be between 576 and 65535, got ${mtu}`);
  const path: PathSpec = {
    ...base,
    uplinkBps: up,
    downlinkBps: down,
    rttMs: v.rtt !== undefined ? parseDurationMs(v.rtt, '--rtt') : base.rttMs,
    lossRate: v.loss !== undefined ? parsePercent(v.loss, '--loss') : base.lossRate,
    jitterMs: v.jitter !== undefined ? parseDurationMs(v.jitter, '--jitter') : (base.jitterMs ?? 0),
    mtu,
    congestionControl: oneOf<CongestionControlName>(v.cc, 'cc', CONGESTION_CONTROLS, base.congestionControl ?? 'bbr'),
  };
  const label = `${profile ? `${profile.name}: ` : ''}uplink ${formatBitRate(path.uplinkBps)}, downlink ${formatBitRate(path.downlinkBps)}, RTT ${path.rttMs} ms, loss ${+(path.lossRate * 100).toFixed(3)}%, MTU ${path.mtu}, ${path.congestionControl}`;
  return profile ? { path, label, profile } : { path, label };
}

export async function runSimulate(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parse(argv, OPTIONS, 'simulate');
  if (v.help) return printHelp(io, SIMULATE_HELP);
  if (positionals.length > 0) {
    throw new BadRequestError(`simulate takes options only, got "${positionals.join(' ')}"; see \`cleave simulate --help\``);
  }
  const cut = v.model === undefined ? undefined : cutFromArgs(v);
  if (cut && v.payload !== undefined) throw new BadRequestError('--payload and --model exclude each other: the cut sets the payload');
  if (!cut && v.payload === undefined) throw new BadRequestError('--payload SIZE is required (e.g. --payload 250KB), or --model MODEL --at TENSOR');
  const bytes = cut ? cut.payloadBytes : parseBytes(v.payload as string, '--payload');
  const { path, label } = pathFromArgs(v);
  const connection = connectionFrom(v.connection);
  if (v.connection !== undefined && (v.devices !== undefined || v.fps !== undefined)) {
    throw new BadRequestError('--connection describes one transfer; with --devices each device keeps one connection open for all its frames');
  }
  // The simulator's view of the same connection: a handshake when new, warm-up frames when warm.
  const simConnection = { handshake: connection === 'new', ...(connection === 'warm' ? { warmup: WARMUP_FRAMES } : {}) };
  if (cut) {
    io.stdout(v.json ? '' : `cut at ${cut.tensors.join(', ')}: ${bytes} B, head ${cut.headMs.toFixed(2)} ms on ${cut.edge}, tail ${cut.tailMs.toFixed(2)} ms on ${cut.server} (roofline estimates)\n\n`);
    const frame = { headMs: cut.headMs, payloadBytes: bytes, tailMs: cut.tailMs };
    if (v.devices !== undefined || v.fps !== undefined) return runMany({ ...v, 'head-ms': `${frame.headMs}ms`, 'service-ms': `${frame.tailMs}ms` }, bytes, path, label, io);
    const analytic = estimateSplitLatency(frame, path, { arrivalsPerS: 0, workers: 1, service: 'fixed' }, connection);
    const transfer = simulateTransferStats({ bytes, path, seed: positiveInt(v.seed, 'seed', 1), replyBytes: 64, ...simConnection }, positiveInt(v.runs, 'runs', 21));
    const simulatedMs = cut.headMs + transfer.medianMs + cut.tailMs;
    if (v.json) {
      io.stdout(`${JSON.stringify({ cut, path, connection, analytic, simulated: { ...transfer, endToEndMs: simulatedMs } }, null, 2)}\n`);
      return EXIT.OK;
    }
    io.stdout(table(['end to end', 'ms'], [['analytic (head + transfer + tail + reply)', analytic.ms.toFixed(1)], ['simulated (head + median transfer + tail)', simulatedMs.toFixed(1)]]));
    return EXIT.OK;
  }
  if (v.devices !== undefined || v.fps !== undefined) return runMany(v, bytes, path, label, io);

  const runs = positiveInt(v.runs, 'runs', 21);
  const seed = positiveInt(v.seed, 'seed', 1);
  const analytic = estimateTransfer(bytes, path, { replyBytes: 1, handshake: connection === 'new', warm: connection === 'warm' });
  const sim = simulateTransferStats({ bytes, path, seed, replyBytes: 1, ...simConnection }, runs);
  if (v.json) {
    io.stdout(`${JSON.stringify({ payloadBytes: bytes, path, connection, analytic, simulated: sim }, null, 2)}\n`);
    return EXIT.OK;
  }
  io.stdout(`${bytes} bytes over a ${connection === 'new' ? 'new' : connection} TCP connection (${label})\n\n`);
  io.stdout(
    table(
      ['model', 'typical ms', 'mean ms', 'p95 ms', 'notes'],
      [
        ['analytic', analytic.typicalMs.toFixed(1), analytic.ms.toFixed(1), '', `${analytic.packets} packets, ${analytic.rounds} window rounds, handshake ${analytic.handshakeMs.toFixed(1)} ms`],
        ['simulated', sim.medianMs.toFixed(1), sim.meanMs.toFixed(1), sim.p95Ms.toFixed(1), `${sim.runs} runs, ${sim.retransmissions.toFixed(2)} retransmissions/run`],
      ],
    ),
  );
  io.stdout(`\n(typical = median; from ${connection === 'new' ? 'connect()' : 'the write'} to the server's reply arriving)\n`);
  return EXIT.OK;
}

/** Frames the simulator sends on a warm connection before the timed one. */
const WARMUP_FRAMES = 2;

function connectionFrom(v: string | undefined): 'new' | 'kept-alive' | 'warm' {
  if (v === undefined) return 'new';
  if (v === 'new' || v === 'kept-alive' || v === 'warm') return v;
  throw new BadRequestError(`--connection takes new, kept-alive or warm, got "${v}"`);
}

/** A device profile by catalogue name or from a JSON file. */
function deviceFrom(spec: string): DeviceProfile {
  if (!spec.endsWith('.json')) return getDevice(spec);
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (e) {
    throw ioFailure(`cannot read ${spec}`, e);
  }
  return parseDeviceProfile(text, spec);
}

/** The third form: payload and head/tail times of a cut of a model on two devices. */
function cutFromArgs(v: Values): CutEstimate & { edge: string; server: string } {
  if (!v.at) throw new BadRequestError('--model needs --at TENSOR (a cut point from `cleave analyze`)');
  if (!v.device) throw new BadRequestError(`--model needs --device NAME|FILE, the edge device (known: ${deviceNames().join(', ')})`);
  const edge = deviceFrom(v.device);
  const server = deviceFrom(v.server ?? 'xeon-server');
  const analysis = analyzeFile(v.model as string, { batch: positiveInt(v.batch, 'batch', 1) });
  return { ...estimateCut(analysis, v.at.split(',').map((t) => t.trim()), edge, server), edge: edge.name, server: server.name };
}

function runMany(v: Values, bytes: number, path: PathSpec, label: string, io: CliIo): number {
  if (v.devices === undefined || v.fps === undefined) throw new BadRequestError('the many-devices form needs both --devices N and --fps F');
  const o: ScenarioOptions = {
    frame: { headMs: nonNegativeMs(v['head-ms'], 'head-ms', 0), payloadBytes: bytes, tailMs: nonNegativeMs(v['service-ms'], 'service-ms', 5) },
    path,
    devices: positiveInt(v.devices, 'devices', 1),
    fps: positiveNumber(v.fps, 'fps', 1),
    durationS: positiveNumber(v.duration, 'duration', 10),
    arrivals: oneOf(v.arrivals, 'arrivals', ['periodic', 'poisson'] as const, 'periodic'),
    workers: positiveInt(v.workers, 'workers', 1),
    service: oneOf(v.service, 'service', ['fixed', 'exponential'] as const, 'fixed'),
    transport: oneOf(v.transport, 'transport', ['tcp', 'udp'] as const, 'tcp'),
    seed: positiveInt(v.seed, 'seed', 1),
  };
  const r = simulateScenario(o);
  const lambda = o.devices * o.fps;
  const analytic = estimateSplitLatency(o.frame, path, { arrivalsPerS: lambda, workers: o.workers ?? 1, service: o.service ?? 'fixed' });
  if (v.json) {
    io.stdout(`${JSON.stringify({ options: o, simulated: r, analytic }, null, 2)}\n`);
    return EXIT.OK;
  }
  io.stdout(printMany(o, r, analytic.ms, label));
  return EXIT.OK;
}

function printMany(o: ScenarioOptions, r: ScenarioResult, analyticMs: number, label: string): string {
  const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `${o.devices} devices x ${o.fps} fps (${o.arrivals}), ${o.frame.payloadBytes} B per frame over ${o.transport}, ${o.workers} worker(s), ${o.durationS} s (${label})`,
    '',
    table(
      ['metric', 'value'],
      [
        ['latency p50 ms', f(r.latencyMs.p50)],
        ['latency p95 ms', f(r.latencyMs.p95)],
        ['latency p99 ms', f(r.latencyMs.p99)],
        ['latency mean ms', f(r.latencyMs.mean)],
        ['analytic mean ms (M/D/1 uplink + server queue)', f(analyticMs)],
        ['frames sent / completed / lost', `${r.framesSent} / ${r.framesCompleted} / ${r.framesLost}`],
        ['throughput frames/s', f(r.throughputFps, 2)],
        ['goodput', formatBitRate(r.goodputBps)],
        ['packets lost per frame', f(r.packetsLostPerFrame, 3)],
        ['uplink utilisation', pct(r.uplink.utilisation)],
        ['uplink queue mean / max packets', `${f(r.uplink.meanQueuePackets, 2)} / ${r.uplink.maxQueuePackets}`],
        ['server utilisation', pct(r.server.utilisation)],
        ['server queue mean / max', `${f(r.server.meanQueue, 2)} / ${r.server.maxQueue}`],
        ['server wait mean ms', f(r.server.meanWaitMs, 2)],
        ['events simulated', String(r.events)],
      ],
    ),
  ];
  return `${lines.join('\n')}`;
}
