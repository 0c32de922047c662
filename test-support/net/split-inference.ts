/**
 * A real head -> server -> tail inference through a ShapedLink, next to the models.
 *
 *   namespace A (edge):   split-client.js  head (ORT) -> codec -> HTTP POST ---+
 *   shaped link:          tbf rate, nftables loss, delay line (shaped-link.ts)   |
 *   namespace B (server): split-server.js  `cleave serve` (serveModels) tail <--+
 *
 * The time per frame is the edge client's own (head + encode + request + server + reply); the
 * delay line traces the packets, so each frame's time is also cut at the wire into the network's
 * share and the hosts' (wire-split.ts). Every process runs under SCHED_FIFO where the machine
 * allows it, and each frame records how long those processes waited for a CPU anyway: frames
 * that waited are set aside and more are taken (starvation.ts), so another job's load cannot
 * pass for network time. split-score.ts turns a measurement into the models' figures. Each
 * point is measured with a new TCP connection per request (the models' handshake option) or
 * with one kept-alive connection.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { modelSignature } from '../../src/serve/metadata.js';
import { median } from '../../src/net/stats.js';
import { queueBytesForPoint, shapedPoint, type GridPoint } from './netem-grid.js';
import { runJsonLines, ShapedLink, waitForLine, withRt } from './shaped-link.js';
import { FRAMES, splitCase, type SplitCase, type SplitCaseName } from './split-cases.js';
import type { ClientSummary, ConnectionMode, FrameRecord, SplitClientConfig } from './split-client.js';
import { CLIENT_GAP_MS, CLIENT_WARMUP, scoreSplit, type SplitMeasurement, type SplitRow } from './split-score.js';
import { starved } from './starvation.js';
import { splitAtWire, type WireSplit } from './wire-split.js';

export { SPLIT_CASES, TRAINED_LENET, trainedLenetCase, WARM_CASES, type SplitCase, type SplitCaseName } from './split-cases.js';
export { CLIENT_GAP_MS, CLIENT_WARMUP, errorOutside, scoreSplit, type SplitMeasurement, type SplitRow } from './split-score.js';

const here = dirname(fileURLToPath(import.meta.url));
const clientScript = resolve(here, 'split-client.js');
const serverScript = resolve(here, 'split-server.js');
const PORT = 8000;

export interface MeasureOptions {
  readonly connection: ConnectionMode;
  /** timed frames wanted whose processes were not starved */
  readonly count: number;
  readonly warmup?: number;
  /** the client's pause after each reply, ms */
  readonly gapMs?: number;
  /** the sender's net.ipv4.tcp_slow_start_after_idle (default: leave the namespace's, on) */
  readonly slowStartAfterIdle?: boolean;
  /** simulated seeds with loss */
  readonly simRuns?: number;
  /** client runs (each `count` frames on its own connection) before giving up on starved frames (default 4) */
  readonly maxRuns?: number;
  /**
   * When fewer than `count` frames ran unstarved after `maxRuns` runs, compare all answered
   * frames instead of too few; their CPU waits then widen the measured interval
   * ([measuredLowMs, measuredMs]) rather than pass for network time. Default false (a bench
   * keeps only unstarved frames and reports how few there were).
   */
  readonly allowStarved?: boolean;
}

/** One timed frame with its cut at the wire. */
export type TracedFrame = FrameRecord & { readonly wire?: WireSplit };

/** The measurement of a point from the client's frames (all runs) and summaries. */
function measurement(caseName: string, point: GridPoint, o: MeasureOptions, cc: string, slowStartAfterIdle: boolean, frames: readonly TracedFrame[], fullLabels: readonly number[], serverMs: number): SplitMeasurement {
  const ok = frames.filter((f) => f.origin === 'server');
  const unstarved = ok.filter((f) => !starved(f.runDelayMs, f.totalMs));
  const clean = o.allowStarved === true && unstarved.length < o.count ? ok : unstarved;
  const med = <T>(rows: readonly T[], k: (f: T) => number): number => (rows.length ? median(rows.map(k)) : 0);
  const traced = clean.flatMap((f) => (f.wire ? [{ ...f.wire, runDelayMs: f.runDelayMs }] : []));
  return {
    case: caseName, rateBps: point.rateBps, rttMs: point.rttMs, lossPct: point.lossPct, ...(point.burstBytes === undefined ? {} : { burstBytes: point.burstBytes }),
    connection: o.connection, congestionControl: cc,
    requests: frames.length, answered: ok.length,
    agreeWithWhole: frames.filter((f, i) => f.origin === 'server' && f.label === fullLabels[i]).length,
    newConnections: frames.filter((f) => f.newConnection).length,
    cutBytes: med(ok, (f) => f.cutBytes), bodyBytes: med(ok, (f) => f.bodyBytes), wireUpBytes: med(ok, (f) => f.wireUpBytes), wireDownBytes: med(ok, (f) => f.wireDownBytes),
    headMs: med(clean, (f) => f.headMs), encodeMs: med(clean, (f) => f.encodeMs), serverMs,
    samplesMs: clean.map((f) => f.totalMs), measuredMs: med(clean, (f) => f.totalMs), measuredLowMs: med(clean, (f) => Math.max(0, f.totalMs - f.runDelayMs)),
    warmup: o.warmup ?? CLIENT_WARMUP, count: o.count, gapMs: o.gapMs ?? CLIENT_GAP_MS, slowStartAfterIdle,
    starvedFrames: ok.length - unstarved.length, starvedCompared: clean.length - unstarved.length,
    runDelayMs: med(ok, (f) => f.runDelayMs), maxRunDelayMs: Math.max(0, ...ok.map((f) => f.runDelayMs)),
    ...(traced.length > 0
      ? { networkMs: med(traced, (w) => w.networkMs), networkLowMs: med(traced, (w) => Math.max(0, w.networkMs - w.runDelayMs)), networkMinMs: Math.min(...traced.map((w) => w.networkMs)), serverGapMs: med(traced, (w) => w.serverGapMs), clientHostMs: med(traced, (w) => w.clientSendMs + w.clientReceiveMs) }
      : {}),
  };
}

/** A shaped link with `cleave serve` on the far side serving the tail of one cut. */
export class SplitRig {
  private serverPid: number | undefined;
  /** Per-frame records and wire cuts of the last measure() (for reports and investigations). */
  lastFrames: readonly TracedFrame[] = [];

  private constructor(readonly link: ShapedLink, readonly caseName: string, private readonly dir: string, private readonly config: Omit<SplitClientConfig, 'connection' | 'warmup' | 'count' | 'gapMs'>) {}

  /** A rig for a named case, or for a case made elsewhere (a model, its cut tensor and frames). */
  static async create(given: SplitCaseName | SplitCase, congestionControl?: string): Promise<SplitRig> {
    const c = typeof given === 'string' ? splitCase(given) : given;
    const caseName = c.name;
    const cut = cutModel(analyze(graphFromModel(c.model), { batch: 1 }), [c.cutAt]);
    const dir = mkdtempSync(join(tmpdir(), `cleave-split-${process.pid}-`));
    let link: ShapedLink | undefined;
    try {
      writeModel(join(dir, 'head.onnx'), cut.head);
      writeModel(join(dir, 'tail.onnx'), cut.tail);
      writeModel(join(dir, 'full.onnx'), c.model);
      writeFileSync(join(dir, 'inputs.f32'), new Uint8Array(c.inputs.buffer, c.inputs.byteOffset, c.inputs.byteLength));
      const input = modelSignature(cut.head).inputs[0];
      const tailInput = modelSignature(cut.tail).inputs[0];
      if (!input || !tailInput) throw new Error(`${caseName}: the cut has no input`);
      link = await ShapedLink.create(congestionControl);
      const rig = new SplitRig(link, caseName, dir, {
        serverUrl: `http://${link.addrB}:${PORT}`,
        model: 'tail',
        headPath: join(dir, 'head.onnx'),
        fullPath: join(dir, 'full.onnx'),
        inputsPath: join(dir, 'inputs.f32'),
        inputName: input.name,
        inputDims: [1, ...input.shape.slice(1)],
        frames: FRAMES,
        tailInput: tailInput.name,
      });
      await rig.startServer();
      return rig;
    } catch (err) {
      link?.closeSync();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private async startServer(): Promise<void> {
    // The link's cleanup kills every process in its namespaces, this server included.
    const server = spawn(...withRt(['ip', 'netns', 'exec', this.link.nsB, process.execPath, serverScript, join(this.dir, 'tail.onnx'), this.link.addrB, String(PORT)]), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await waitForLine(server, (l) => l === 'listening', 'split-server', 30_000);
    this.serverPid = server.pid;
  }

  /**
   * Shape the link for `point` and time frames through it until `count` of them ran without the
   * measuring processes waiting for a CPU (or `maxRuns` client runs are done).
   */
  async measure(given: GridPoint, o: MeasureOptions): Promise<SplitRow> {
    const point = shapedPoint(given);
    await this.link.configure({
      rateBps: point.rateBps, rttMs: point.rttMs, lossPct: point.lossPct, queueBytes: queueBytesForPoint(point), burstBytes: point.burstBytes,
      ...(o.slowStartAfterIdle === undefined ? {} : { slowStartAfterIdle: o.slowStartAfterIdle }),
    });
    const watchPids = [this.serverPid, this.link.delayLinePid()].filter((p): p is number => p !== undefined);
    const config: SplitClientConfig = { ...this.config, connection: o.connection, warmup: o.warmup ?? CLIENT_WARMUP, count: o.count, gapMs: o.gapMs ?? CLIENT_GAP_MS, watchPids };
    const configPath = join(this.dir, `client-${o.connection}.json`);
    writeFileSync(configPath, JSON.stringify(config));
    const frames: TracedFrame[] = [];
    const fullLabels: number[] = [];
    let serverSumMs = 0;
    let serverRequests = 0;
    const maxRuns = o.maxRuns ?? 4;
    for (let run = 0; run < maxRuns; run++) {
      await this.link.startTrace();
      const lines = await runClient(this.link.nsA, configPath, 60_000 + o.count * (10_000 + (o.gapMs ?? 0)));
      const packets = await this.link.dumpTrace();
      const summary = lines.find((l) => 'done' in l) as ClientSummary | undefined;
      if (!summary) throw new Error('split-client ended without its summary');
      for (const f of lines.filter((l) => !('done' in l)) as FrameRecord[]) frames.push({ ...f, wire: splitAtWire(f, packets) });
      fullLabels.push(...summary.fullLabels);
      serverSumMs += summary.serverMs * summary.serverRequests;
      serverRequests += summary.serverRequests;
      const clean = frames.filter((f) => f.origin === 'server' && !starved(f.runDelayMs, f.totalMs)).length;
      if (clean >= o.count) break;
    }
    this.lastFrames = frames;
    const m = measurement(this.caseName, point, o, this.link.congestionControl(), this.link.slowStartAfterIdle(), frames, fullLabels, serverRequests > 0 ? serverSumMs / serverRequests : 0);
    return scoreSplit(m, o.simRuns);
  }

  /** Stop the server, remove the namespaces and the temporary models. */
  async close(): Promise<void> {
    // `ip netns exec` holds the server's node process as its child; killing the wrapper alone
    // would orphan it, so the link's cleanup (which kills every pid in the namespaces) does it.
    this.link.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function runClient(ns: string, configPath: string, timeoutMs: number): Promise<Array<FrameRecord | ClientSummary>> {
  return runJsonLines<FrameRecord | ClientSummary>(['ip', 'netns', 'exec', ns, process.execPath, clientScript, configPath], 'split-client', timeoutMs);
}
