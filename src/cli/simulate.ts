/**
 * `cleave simulate`: how long does it take to ship a cut tensor, and what happens when many
 * devices share the link? Thin over src/net: parse, call the analytic model and the simulator,
 * print.
 */
import { BadRequestError } from '../errors.js';
import { compareScenario, compareSplit, compareTransfer } from '../net/compare.js';
import { CONGESTION_CONTROLS } from '../net/congestion.js';
import { pathLabel, pathWith } from '../net/path-overrides.js';
import { getNetworkProfile, parseNetworkProfile } from '../net/profiles.js';
import type { PathSpec } from '../net/path.js';
import type { SplitFrame } from '../net/split-latency.js';
import { estimateCut } from '../profile/cut-estimate.js';
import { deviceNames, getDevice } from '../profile/device-catalogue.js';
import { defineCommand } from './command.js';
import { deviceType } from './common-options.js';
import { option, type Values } from './option-table.js';
import { EXIT } from './exit-codes.js';
import { table } from './format.js';
import { type CliIo, printJson, readText } from './io.js';
import { analyzeFile } from './load.js';
import { atLeast, between, duration, integer, list, number, oneOf, percent, positive, rate, size, text } from './option-types.js';
import { simulatePlan } from './simulate-plan.js';
import { scenarioTable, transferTable } from './simulate-print.js';

const [NET, TRANSFER, CUT, MANY, PLAN] = ['Network', 'Transfer', 'A cut of a model (the third form)', 'Many devices', 'A plan (the fourth form)'];

const OPTIONS = {
  network: option(text, { group: NET, arg: 'NAME', help: 'built-in profile: ethernet, wifi, 4g, 5g, lpwan' }),
  'network-file': option(text, { group: NET, arg: 'FILE', help: 'your own profile (JSON, same fields as the built-in ones)' }),
  bandwidth: option(rate, { group: NET, help: 'uplink rate (e.g. 10mbit, 500kbit, 1gbit); overrides the profile' }),
  downlink: option(rate, { group: NET, help: "downlink rate (default: the profile's, or --bandwidth)" }),
  rtt: option(duration, { group: NET, help: 'round-trip time (e.g. 50ms, 0.2s)' }),
  loss: option(percent, { group: NET, help: 'random packet loss per direction (e.g. 1%, 0.5%)' }),
  jitter: option(duration, { group: NET, help: 'one-way delay jitter' }),
  mtu: option(integer, { group: NET, check: between(576, 65535), arg: 'BYTES', help: "IP MTU (default: the profile's, else 1500)" }),
  cc: option(oneOf(...CONGESTION_CONTROLS), { group: NET, arg: 'NAME', help: "TCP congestion control (default: the profile's, else bbr, the Linux default on the machines cleave was validated on)" }),
  payload: option(size, { group: TRANSFER, help: 'bytes of the cut tensor (e.g. 250KB, 1.5MiB, 4096)' }),
  connection: option(oneOf('new', 'kept-alive', 'warm'), { group: TRANSFER, arg: 'C', help: 'new (default: handshake and slow start), kept-alive (no handshake, window restarted, as CUBIC/Reno after an idle RTO) or warm (kept alive after 2 earlier frames 50 ms apart: no restart after a gap under the RTO, BBR keeps its model; both models start from the state those frames left)' }),
  runs: option(integer, { group: TRANSFER, default: 21, check: positive, help: 'simulated transfers (seeds) per figure' }),
  seed: option(integer, { group: TRANSFER, default: 1, check: positive, help: 'first seed' }),
  model: option(text, { group: CUT, arg: 'FILE', help: 'the model to cut' }),
  at: option(list(text, 'tensor names'), { group: CUT, arg: 'T[,T2]', help: 'the cut (see `cleave analyze`)' }),
  device: option(deviceType, { group: CUT, help: 'the edge device: a catalogue name (raspberry-pi-4, jetson-nano, ...) or a profile JSON, e.g. one written by `cleave profile -o` on that device' }),
  server: option(deviceType, { group: CUT, default: getDevice('xeon-server'), help: 'the server' }),
  batch: option(integer, { group: CUT, default: 1, check: positive, help: 'images per inference' }),
  devices: option(integer, { group: MANY, check: positive, help: 'devices' }),
  fps: option(number, { group: MANY, check: positive, arg: 'F', help: 'frames per second per device' }),
  duration: option(number, { group: MANY, default: 10, check: positive, arg: 'S', help: 'seconds of frame generation' }),
  arrivals: option(oneOf('periodic', 'poisson'), { group: MANY, default: 'periodic', arg: 'KIND', help: 'periodic or poisson' }),
  'head-ms': option(duration, { group: MANY, default: 0, help: 'head latency on the device' }),
  'service-ms': option(duration, { group: MANY, default: 5, help: 'tail latency on the server, one request' }),
  service: option(oneOf('fixed', 'exponential'), { group: MANY, default: 'fixed', arg: 'KIND', help: 'fixed or exponential service times' }),
  workers: option(integer, { group: MANY, default: 1, check: positive, arg: 'K', help: 'server workers' }),
  transport: option(oneOf('tcp', 'udp'), { group: MANY, default: 'tcp', help: 'tcp: one long-lived connection per device' }),
  entry: option(text, { group: PLAN, default: 'recommended', arg: 'WHICH', help: "the plan's configuration to simulate: recommended, or an index into its front" }),
  frames: option(integer, { group: PLAN, default: 400, check: atLeast(10), help: 'uploaded frames to simulate' }),
};

type V = Values<typeof OPTIONS>;

/** The network path from --network/--network-file plus overrides. */
function pathFromArgs(v: V): { path: PathSpec; label: string } {
  if (v.network !== undefined && v['network-file'] !== undefined) throw new BadRequestError('give --network or --network-file, not both');
  const file = v['network-file'];
  const profile = v.network !== undefined ? getNetworkProfile(v.network) : file !== undefined ? parseNetworkProfile(readText(file, `network profile ${file}`), file) : undefined;
  if (!profile && (v.bandwidth === undefined || v.rtt === undefined)) {
    throw new BadRequestError('say which network: --network NAME (ethernet, wifi, 4g, 5g, lpwan), --network-file FILE, or --bandwidth RATE --rtt TIME');
  }
  const path = pathWith(profile, { uplinkBps: v.bandwidth, downlinkBps: v.downlink, rttMs: v.rtt, lossRate: v.loss, jitterMs: v.jitter, mtu: v.mtu, congestionControl: v.cc });
  return { path, label: pathLabel(path, profile) };
}

function runMany(v: V, frame: SplitFrame, path: PathSpec, label: string, io: CliIo): number {
  if (v.devices === undefined || v.fps === undefined) throw new BadRequestError('the many-devices form needs both --devices N and --fps F');
  const r = compareScenario({
    frame, path, devices: v.devices, fps: v.fps, durationS: v.duration, arrivals: v.arrivals, workers: v.workers, service: v.service, transport: v.transport, seed: v.seed,
  });
  if (v.json) printJson(io, r);
  else io.stdout(scenarioTable(r, label));
  return EXIT.OK;
}

export const simulateCommand = defineCommand({
  name: 'simulate',
  summary: 'transfer time of a cut tensor (analytic + simulated), or many devices sharing a link and a server',
  usage: [
    '--payload SIZE (--network NAME | --network-file FILE | --bandwidth RATE --rtt TIME) [options]',
    '--devices N --fps F --payload SIZE --network NAME [--duration S] [options]',
    '--model MODEL --at TENSOR --device EDGE --server SERVER --network NAME [--devices N --fps F] [options]',
    'PLAN.json [--entry recommended|N] [--devices N --fps F] [--frames N]',
  ],
  description: `One transfer (the first form): the time to send SIZE over a TCP connection (new by default),
from connect() or the write to the server's reply, by the analytic model and by the
discrete-event simulator (median and p95 over --runs seeds).
Many devices (the second form): N devices capture frames at F per second, run the head, send
the cut tensor over one shared uplink, wait in the server's queue for one of K workers, run the
tail and get the reply; prints latency percentiles, throughput, loss, queues and utilisation.
A cut of a model (the third form): the payload is the cut's bytes, the head's and tail's times are
estimated per layer from the device profiles (roofline, calibrated), then either form runs.
A plan (the fourth form): a configuration of a plan.json written by \`cleave plan\` (its device,
network, costs, exits and load; --devices/--fps override the load) through the simulator, its
p50 and p99 beside the plan's. When the plan's model file is present, its SHA-256 must match.`,
  args: { min: 0, max: 1, says: 'options only, or one plan.json' },
  options: OPTIONS,
  json: 'machine-readable result',
  async run({ values: v, positionals: [plan] }, io) {
    if (plan !== undefined) {
      const clash = (['payload', 'model', 'network', 'network-file', 'bandwidth', 'rtt'] as const).find((k) => v[k] !== undefined);
      if (clash) throw new BadRequestError(`--${clash} does not go with a plan: the plan names its own network and costs`);
      return simulatePlan(plan, { entry: v.entry, devices: v.devices, fps: v.fps, frames: v.frames, seed: v.seed, json: v.json }, io);
    }
    if (v.model !== undefined && v.payload !== undefined) throw new BadRequestError('--payload and --model exclude each other: the cut sets the payload');
    if (v.model === undefined && v.payload === undefined) throw new BadRequestError('--payload SIZE is required (e.g. --payload 250KB), or --model MODEL --at TENSOR');
    const many = v.devices !== undefined || v.fps !== undefined;
    if (v.connection !== undefined && many) {
      throw new BadRequestError('--connection describes one transfer; with --devices each device keeps one connection open for all its frames');
    }
    const { path, label } = pathFromArgs(v);
    const o = { connection: v.connection, runs: v.runs, seed: v.seed };
    if (v.model === undefined) {
      const bytes = v.payload!; // --payload is required without --model (checked above)
      if (many) return runMany(v, { headMs: v['head-ms'], payloadBytes: bytes, tailMs: v['service-ms'] }, path, label, io);
      const r = compareTransfer(bytes, path, o);
      if (v.json) printJson(io, r);
      else io.stdout(transferTable(r, label));
      return EXIT.OK;
    }
    if (!v.at) throw new BadRequestError('--model needs --at TENSOR (a cut point from `cleave analyze`)');
    if (!v.device) throw new BadRequestError(`--model needs --device NAME|FILE, the edge device (known: ${deviceNames().join(', ')})`);
    const estimate = estimateCut(analyzeFile(v.model, { batch: v.batch }), v.at, v.device, v.server);
    const cut = { ...estimate, edge: v.device.name, server: v.server.name };
    const frame = { headMs: cut.headMs, payloadBytes: cut.payloadBytes, tailMs: cut.tailMs };
    if (!v.json) io.stdout(`cut at ${cut.tensors.join(', ')}: ${frame.payloadBytes} B, head ${cut.headMs.toFixed(2)} ms on ${cut.edge}, tail ${cut.tailMs.toFixed(2)} ms on ${cut.server} (roofline estimates)\n\n`);
    if (many) return runMany(v, frame, path, label, io);
    const r = compareSplit(frame, path, o);
    if (v.json) printJson(io, { cut, ...r });
    else io.stdout(table(['end to end', 'ms'], [['analytic (head + transfer + tail + reply)', r.analytic.ms.toFixed(1)], ['simulated (head + median transfer + tail)', r.simulated.endToEndMs.toFixed(1)]]));
    return EXIT.OK;
  },
});
