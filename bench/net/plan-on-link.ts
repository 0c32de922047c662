/**
 * bench/net/plan-on-link: does the latency `cleave plan` predicts for the plan it recommends
 * hold on a real link? (issue 17, item 5's last part.)
 *
 * Once: a device profile of this machine, measured by the library behind `cleave profile`
 * (ORT profiler, one thread, as the harness's client and server run), used for both the edge
 * and the server. Per cell of a rate x RTT grid and per connection kind (a new TCP connection
 * per request, or one kept-alive connection): a network profile that describes the shaped link
 * as it is configured (rate both ways, RTT, no loss, MTU 1500, tbf queue, congestion control);
 * planModel on the trained LeNet, codec fp32 only, under a stated requirement; the recommended
 * configuration's cut is then run for real over the link with the split-inference harness
 * (head in ORT -> fp32 -> HTTP POST -> `cleave serve` tail), the same connection kind, and the
 * plan's predicted p50 is set against the measured median. Nothing measured is fed back to the
 * prediction: the plan sees only the device profile and the network profile.
 *
 *   npx tsc -p tsconfig.json && CLEAVE_NET_REALTIME=all node build/bench/net/plan-on-link.js [--quick]
 *
 * Needs root (namespaces, tc, nft). Writes bench/results/net-plan.json after every cell.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { positiveList as list } from '../common/args.js';
import { analyze } from '../../src/analysis/analyze.js';
import { parseCodec } from '../../src/compress/codec.js';
import { graphFromModel } from '../../src/graph/graph.js';
import type { NetworkProfile } from '../../src/net/profiles.js';
import { median } from '../../src/net/stats.js';
import { readModel } from '../../src/onnx/model-file.js';
import type { DeviceProfile } from '../../src/profile/device-profile.js';
import { machineFacts, measureCopyBandwidthGBps } from '../../src/profile/machine.js';
import { measuredDevice } from '../../src/profile/measured-device.js';
import { profileModel } from '../../src/profile/profile-model.js';
import type { Requirements } from '../../src/qos/requirements.js';
import { planModel } from '../../src/qos/plan-model.js';
import { queueBytesForPoint } from '../../test-support/net/netem-grid.js';
import { netnsUnavailableReason, realTimeAvailable } from '../../test-support/net/shaped-link.js';
import { SplitRig, TRAINED_LENET, trainedLenetCase, type SplitRow } from '../../test-support/net/split-inference.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

/**
 * The requirement the plan is made under: an edge that gives the model at most 64 KiB and may
 * send at most 2 KiB per image, median latency at most 500 ms. Without one every configuration
 * has an unbounded margin and the tie-break (lowest latency) picks local computing, which never
 * touches the link; the memory bound rules local out, the bytes bound remote computing (3136 B).
 */
const REQUIREMENT: Requirements & { readonly text: string } = {
  text: 'edge memory <= 64 KiB, <= 2 KiB sent per image, p50 <= 500 ms',
  maxEdgeMemoryBytes: 64 * 1024, maxBytes: 2048, maxLatencyMs: 500, latencyPercentile: 'p50',
};

const HELP = `Usage: node build/bench/net/plan-on-link.js [options]

The latency \`cleave plan\` predicts for its recommended plan (trained LeNet, fp32, a device
profile of this machine for edge and server, a network profile of the shaped link) against the
median measured when that plan runs over the real shaped link, new and kept-alive connections.
Requirement: ${REQUIREMENT.text}.

  --rates LIST     Mbit/s, default 5,20,50
  --rtts LIST      ms, default 10,50
  --cc NAME        congestion control, bbr (default) or cubic
  --count N        timed frames per cell whose processes did not wait for a CPU, default 7
  --quick          5 and 50 Mbit/s at 10 and 50 ms, 5 frames
  --out FILE       default bench/results/net-plan.json
  --table FILE     print the table of a stored results file (no root needed)
  --help           this text

Needs root. Prints a markdown table; writes the results JSON after every cell.`;

type ConnectionKind = 'new' | 'kept-alive';

/** One cell: what the plan recommended and predicted, and what the harness measured for it. */
interface PlanRow {
  readonly rateBps: number;
  readonly rttMs: number;
  readonly connection: ConnectionKind;
  readonly recommended: string;
  readonly placement: string;
  readonly cut: readonly string[];
  readonly latencySource: string;
  readonly predictedMs: number;
  /** the plan's breakdown: head, encode, transfer (with the reply), tail (with decoding), ms */
  readonly predicted: { readonly headMs: number; readonly encodeMs: number; readonly transferMs: number; readonly tailMs: number; readonly payloadBytes: number; readonly wireBytes: number };
  /** undefined when the recommendation does not cross the link (local) or has no cut to run (remote) */
  readonly measured?: {
    readonly medianMs: number; readonly frames: number; readonly starvedFrames: number;
    readonly headMs: number; readonly encodeMs: number; readonly serverMs: number; readonly networkMs?: number;
    readonly cutBytes: number; readonly wireUpBytes: number; readonly wireDownBytes: number;
  };
  readonly error?: number;
  readonly load1: number;
}

const pct = (x: number | undefined): string => (x === undefined ? '' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const f1 = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(1));
const f2 = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(2));

function summary(rows: readonly PlanRow[]): Record<ConnectionKind, { cells: number; medianAbsError: number }> {
  const of = (k: ConnectionKind): { cells: number; medianAbsError: number } => {
    const errs = rows.filter((r) => r.connection === k && r.error !== undefined).map((r) => Math.abs(r.error!));
    return { cells: errs.length, medianAbsError: errs.length ? median(errs) : Number.NaN };
  };
  return { new: of('new'), 'kept-alive': of('kept-alive') };
}

function table(rows: readonly PlanRow[]): string {
  const s = summary(rows);
  return [
    '| rate | RTT | connection | recommended cut | predicted ms (head + enc + net + tail) | measured ms (head + enc + wire + server) | err | bytes up: plan payload / plan wire / measured wire | frames (starved) |',
    '|---:|---:|---|---|---|---|---:|---|---:|',
    ...rows.map((r) => {
      const p = r.predicted;
      const m = r.measured;
      return `| ${r.rateBps / 1e6} Mbit/s | ${r.rttMs} ms | ${r.connection} | ${r.placement === 'split' ? r.cut.join('+') : r.placement} | ${f1(r.predictedMs)} (${f2(p.headMs)} + ${f2(p.encodeMs)} + ${f1(p.transferMs)} + ${f2(p.tailMs)}) | ${m ? `${f1(m.medianMs)} (${f2(m.headMs)} + ${f2(m.encodeMs)} + ${f1(m.networkMs)} + ${f2(m.serverMs)})` : 'not run over the link'} | ${pct(r.error)} | ${p.payloadBytes} / ${Math.round(p.wireBytes)} / ${m ? m.wireUpBytes : ''} | ${m ? `${m.frames} (${m.starvedFrames})` : ''} |`;
    }),
    '',
    '| connection | cells | median abs error |',
    '|---|---:|---:|',
    ...Object.entries(s).map(([k, v]) => `| ${k} | ${v.cells} | ${Number.isNaN(v.medianAbsError) ? '' : `${(v.medianAbsError * 100).toFixed(1)}%`} |`),
  ].join('\n');
}

/** The shaped link as a network profile: what the link is configured with, nothing measured. */
function linkProfile(rateBps: number, rttMs: number, cc: 'bbr' | 'cubic'): NetworkProfile {
  return {
    name: `link-${rateBps / 1e6}M-${rttMs}ms`,
    description: 'the shaped link: tbf rate both ways, delay-line RTT, no loss',
    uplinkBps: rateBps, downlinkBps: rateBps, rttMs, jitterMs: 0, lossRate: 0, mtu: 1500, linkOverheadBytes: 0,
    queueBytes: queueBytesForPoint({ rateBps, rttMs, lossPct: 0 }),
    radioTxW: 0, radioRxW: 0, congestionControl: cc,
    source: 'bench/net/plan-on-link: the shaped link as configured',
  };
}

/** This machine as a device profile, measured once with cleave profile's library (one ORT thread). */
async function thisMachine(): Promise<{ edge: DeviceProfile; server: DeviceProfile }> {
  const analysis = analyze(graphFromModel(readModel(TRAINED_LENET)), { batch: 1 });
  const profile = await profileModel(analysis, { threads: 1, measureCuts: 0, warmup: 10, repeats: 50 });
  const { measured: _measured, ...edge } = measuredDevice(analysis, profile, machineFacts(), { name: 'this-machine', kind: 'edge', copyBandwidthGBps: measureCopyBandwidthGBps() });
  return { edge, server: { ...edge, name: 'this-machine-server', kind: 'server' } };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string' }, rtts: { type: 'string' }, cc: { type: 'string' }, count: { type: 'string' },
      quick: { type: 'boolean' }, out: { type: 'string' }, table: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (values.table) {
    const stored = JSON.parse(readFileSync(values.table, 'utf8')) as { rows: PlanRow[] };
    process.stdout.write(`${table(stored.rows)}\n`);
    return;
  }
  const why = netnsUnavailableReason();
  if (why) {
    process.stderr.write(`bench/net/plan-on-link: cannot run: ${why}\n`);
    process.exitCode = 1;
    return;
  }
  const quick = values.quick === true;
  const rates = list(values.rates, quick ? [5, 50] : [5, 20, 50]).map((r) => r * 1e6);
  const rtts = list(values.rtts, [10, 50]);
  const cc = values.cc ?? 'bbr';
  if (cc !== 'bbr' && cc !== 'cubic') throw new Error(`--cc takes bbr or cubic, got "${cc}"`);
  const [count] = list(values.count, [quick ? 5 : 7]);
  const out = values.out ?? join(root, 'bench/results/net-plan.json');
  const started = Date.now();
  const command = `node build/bench/net/plan-on-link.js ${process.argv.slice(2).join(' ')}`.trim();

  process.stderr.write('profiling this machine (trained LeNet, 1 ORT thread)...\n');
  const { edge, server } = await thisMachine();
  const model = readModel(TRAINED_LENET);
  const modelBytes = new Uint8Array(readFileSync(TRAINED_LENET));
  const rows: PlanRow[] = [];
  const save = (complete: boolean): void => {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({
      date: new Date(started).toISOString(), complete, seconds: (Date.now() - started) / 1000, command,
      realTime: realTimeAvailable(), congestionControl: cc, count, requirement: REQUIREMENT, device: edge,
      medianAbsError: summary(rows), rows,
    }, null, 2)}\n`);
  };
  const rigs = new Map<string, SplitRig>();
  try {
    for (const rateBps of rates) {
      for (const rttMs of rtts) {
        for (const connection of ['new', 'kept-alive'] as const) {
          const { result } = await planModel({
            model, modelPath: TRAINED_LENET, modelBytes, devices: [edge], networks: [linkProfile(rateBps, rttMs, cc)], server,
            load: { devices: 1, fps: 0, workers: 1, connection, arrivals: 'periodic' },
            requirements: REQUIREMENT, codecs: [parseCodec('fp32')], simulateMax: 0,
          });
          const r = result.recommended;
          if (!r) throw new Error(`no configuration meets "${REQUIREMENT.text}" at ${rateBps / 1e6} Mbit/s, ${rttMs} ms`);
          const b = r.breakdown;
          const base = {
            rateBps, rttMs, connection, recommended: r.id, placement: r.placement, cut: r.cut, latencySource: r.latencySource,
            predictedMs: r.objectives.latencyMs,
            predicted: { headMs: b.headMs + b.exitMs, encodeMs: b.encodeMs, transferMs: b.transferMs + b.uplinkQueueMs, tailMs: b.tailMs + b.serverQueueMs, payloadBytes: b.payloadBytes, wireBytes: b.wireBytes },
            load1: loadavg()[0] ?? 0,
          };
          const tensor = r.cut[0];
          if (r.placement !== 'split' || r.cut.length !== 1 || tensor === undefined) {
            rows.push(base);
          } else {
            let rig = rigs.get(tensor);
            if (!rig) {
              rig = await SplitRig.create(trainedLenetCase(tensor), cc);
              rigs.set(tensor, rig);
            }
            const m: SplitRow = await rig.measure({ rateBps, rttMs, lossPct: 0 }, { connection: connection === 'new' ? 'fresh' : 'keep-alive', count: count!, maxRuns: 6, simRuns: 1 });
            if (m.samplesMs.length === 0) rows.push(base);
            else {
              rows.push({
                ...base,
                measured: {
                  medianMs: m.measuredMs, frames: m.samplesMs.length, starvedFrames: m.starvedFrames ?? 0,
                  headMs: m.headMs, encodeMs: m.encodeMs, serverMs: m.serverMs, ...(m.networkMs === undefined ? {} : { networkMs: m.networkMs }),
                  cutBytes: m.cutBytes, wireUpBytes: m.wireUpBytes, wireDownBytes: m.wireDownBytes,
                },
                error: (base.predictedMs - m.measuredMs) / m.measuredMs,
              });
            }
          }
          const last = rows[rows.length - 1]!;
          process.stderr.write(`${rateBps / 1e6} Mbit/s ${rttMs} ms ${connection}: ${last.recommended}: predicted ${last.predictedMs.toFixed(1)} ms, measured ${f1(last.measured?.medianMs)} ms ${pct(last.error)}\n`);
          save(false);
        }
      }
    }
  } finally {
    for (const rig of rigs.values()) await rig.close();
  }
  save(true);
  process.stdout.write(`Recommended plan (trained LeNet, fp32, ${REQUIREMENT.text}; device profile of this machine for edge and server) predicted vs measured over the shaped link (${cc}, no loss), load average ${(loadavg()[0] ?? 0).toFixed(1)}, processes ${realTimeAvailable() ? 'under SCHED_FIFO' : 'at normal priority'}.\n\n${table(rows)}\n`);
}

await main();
