/**
 * A real head -> server -> tail inference through a ShapedLink, next to the models.
 *
 *   namespace A (edge):   split-client.js  head (ORT) -> codec -> HTTP POST ---+
 *   shaped link:          tbf rate, nftables loss, delay line (shaped-link.ts)   |
 *   namespace B (server): split-server.js  `cleave serve` (serveModels) tail <--+
 *
 * The time per frame is the edge client's own (head + encode + request + server + reply). The
 * analytic model (estimateSplitLatency) and the simulator get what was measured besides the
 * network: the median head and encode times, the server's time per request from its /metrics,
 * and the bytes the sockets really moved (HTTP request line and headers, the v2 JSON header and
 * the tensor; the reply likewise). Each point is measured with a new TCP connection per request
 * (the models' handshake option) and with one kept-alive connection.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import { estimateSplitLatency, type SplitLatencyEstimate } from '../../src/net/split-latency.js';
import { simulateTransferStats } from '../../src/net/transfer-sim.js';
import { readModel, writeModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { Random } from '../../src/graph/random.js';
import { modelSignature } from '../../src/serve/metadata.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { median } from '../../src/net/stats.js';
import { pathForPoint, queueBytesForPoint, type GridPoint } from './netem-grid.js';
import { ShapedLink, waitForLine } from './shaped-link.js';
import type { ClientSummary, ConnectionMode, FrameRecord, SplitClientConfig } from './split-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const clientScript = resolve(here, 'split-client.js');
const serverScript = resolve(here, 'split-server.js');
const PORT = 8000;
/** Frames kept in the inputs file (the client cycles through them). */
const FRAMES = 16;

/** The cuts the real-link inference runs use. */
export type SplitCaseName = 'lenet-relu1' | 'mobilenetv2-stem';
export const SPLIT_CASES: readonly SplitCaseName[] = ['lenet-relu1', 'mobilenetv2-stem'];

interface SplitCase {
  readonly name: SplitCaseName;
  readonly model: ModelProto;
  readonly cutAt: string;
  /** FRAMES inputs, float32, batch 1 each */
  readonly inputs: Float32Array;
}

/**
 * lenet-relu1: the trained LeNet (models/lenet-mnist.onnx) cut after conv1+relu (6x28x28 fp32,
 * 18.8 KB), on real MNIST test images. mobilenetv2-stem: MobileNetV2 at 64x64 (seeded weights)
 * cut after the stem's conv+BN+ReLU6 (32x32x32 fp32, 131 KB), on seeded random images. (ResNet-18's
 * stem cut, 262 KB, would be the larger case, but its 47 MB tail does not load through readModel's
 * lazy path yet: see /work/coord/requests.md.)
 */
function splitCase(name: SplitCaseName): SplitCase {
  if (name === 'lenet-relu1') {
    const ds = loadDataset('mnist', 'test', { limit: FRAMES });
    const batch = makeBatch(ds, Array.from({ length: ds.count }, (_, i) => i));
    return { name, model: readModel(join(repoRoot, 'models/lenet-mnist.onnx')), cutAt: 'relu1', inputs: batch.x };
  }
  const rng = new Random(7);
  const inputs = new Float32Array(FRAMES * 3 * 64 * 64);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rng.next() * 2 - 1;
  return { name, model: buildModel('mobilenetv2', { inputSize: 64, seed: 1 }), cutAt: 'features.0.2', inputs };
}

/** Everything measured and modelled for one (cut, link, connection mode). */
export interface SplitRow extends GridPoint {
  readonly case: SplitCaseName;
  readonly connection: ConnectionMode;
  readonly congestionControl: string;
  readonly requests: number;
  /** answered by the server (origin 'server') */
  readonly answered: number;
  /** server answers equal to the whole model run on the edge */
  readonly agreeWithWhole: number;
  /** requests that opened a TCP connection */
  readonly newConnections: number;
  readonly cutBytes: number;
  /** median HTTP body: the v2 JSON header and the tensor */
  readonly bodyBytes: number;
  /** median bytes of a request / reply on the socket, HTTP included */
  readonly wireUpBytes: number;
  readonly wireDownBytes: number;
  readonly headMs: number;
  readonly encodeMs: number;
  /** the server's own time per request (v2 decode + tail + encode) */
  readonly serverMs: number;
  readonly samplesMs: readonly number[];
  readonly measuredMs: number;
  readonly analyticMs: number;
  readonly simulatedMs: number;
  /** the analytic model fed only the cut tensor and a 40-byte reply: what ignoring HTTP costs */
  readonly analyticNoHttpMs: number;
  readonly analyticError: number;
  readonly simulatedError: number;
}

export interface MeasureOptions {
  readonly connection: ConnectionMode;
  readonly count: number;
  readonly warmup?: number;
  readonly gapMs?: number;
  /** simulated seeds with loss */
  readonly simRuns?: number;
}

/**
 * The estimate's typical (median) time: its mean with the transfer's typical time instead of
 * its expected one (they differ only under loss), since measured medians are compared.
 */
function typicalMs(e: SplitLatencyEstimate): number {
  return e.ms - e.transferMs + e.transfer.typicalMs;
}

/** What was measured for one point, besides the network: the models' inputs. */
export type SplitMeasurement = Omit<SplitRow, 'analyticMs' | 'simulatedMs' | 'analyticNoHttpMs' | 'analyticError' | 'simulatedError'>;

/** Warm-up frames and idle gap of the real client before its timed frames (split-client.ts). */
export const CLIENT_WARMUP = 2;
export const CLIENT_GAP_MS = 50;

/**
 * The models' figures for a measured point (also used to re-score stored runs with the current
 * models). A new connection pays the handshake and slow start. A kept-alive one is modelled as
 * it stands after the client's warm-up frames: the simulator sends them on the same connection
 * first (its congestion control's state carries over, as the kernel's does), the analytic model
 * takes the window as open ('warm').
 */
export function scoreSplit(m: SplitMeasurement, simRuns = 21): SplitRow {
  const path = pathForPoint(m, m.congestionControl);
  const fresh = m.connection === 'fresh';
  const state = fresh ? 'new' : 'warm';
  const { headMs, encodeMs, serverMs, wireUpBytes, wireDownBytes, measuredMs } = m;
  const analyticMs = typicalMs(estimateSplitLatency({ headMs, encodeMs, payloadBytes: wireUpBytes, tailMs: serverMs, replyBytes: wireDownBytes }, path, undefined, state));
  const analyticNoHttpMs = typicalMs(estimateSplitLatency({ headMs, encodeMs, payloadBytes: m.cutBytes, tailMs: serverMs, replyBytes: 40 }, path, undefined, state));
  const sim = simulateTransferStats({
    bytes: wireUpBytes, path, handshake: fresh, replyBytes: wireDownBytes, ...(fresh ? {} : { warmup: CLIENT_WARMUP, gapMs: CLIENT_GAP_MS }),
  }, m.lossPct > 0 ? simRuns : 1);
  const simulatedMs = headMs + encodeMs + sim.medianMs + serverMs;
  return {
    ...m, analyticMs, simulatedMs, analyticNoHttpMs,
    analyticError: (analyticMs - measuredMs) / measuredMs,
    simulatedError: (simulatedMs - measuredMs) / measuredMs,
  };
}

/** The measurement of a point from the client's frames and summary. */
function measurement(caseName: SplitCaseName, point: GridPoint, connection: ConnectionMode, cc: string, frames: readonly FrameRecord[], summary: ClientSummary): SplitMeasurement {
  const ok = frames.filter((f) => f.origin === 'server');
  const med = (k: keyof FrameRecord): number => (ok.length ? median(ok.map((f) => Number(f[k]))) : 0);
  return {
    case: caseName, rateBps: point.rateBps, rttMs: point.rttMs, lossPct: point.lossPct, connection, congestionControl: cc,
    requests: frames.length, answered: ok.length,
    agreeWithWhole: frames.filter((f, i) => f.origin === 'server' && f.label === summary.fullLabels[i]).length,
    newConnections: frames.filter((f) => f.newConnection).length,
    cutBytes: med('cutBytes'), bodyBytes: med('bodyBytes'), wireUpBytes: med('wireUpBytes'), wireDownBytes: med('wireDownBytes'),
    headMs: med('headMs'), encodeMs: med('encodeMs'), serverMs: summary.serverMs,
    samplesMs: ok.map((f) => f.totalMs), measuredMs: med('totalMs'),
  };
}

/** A shaped link with `cleave serve` on the far side serving the tail of one cut. */
export class SplitRig {
  private constructor(readonly link: ShapedLink, readonly caseName: SplitCaseName, private readonly dir: string, private readonly config: Omit<SplitClientConfig, 'connection' | 'warmup' | 'count' | 'gapMs'>) {}

  static async create(caseName: SplitCaseName, congestionControl?: string): Promise<SplitRig> {
    const c = splitCase(caseName);
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
    const server = spawn('ip', ['netns', 'exec', this.link.nsB, process.execPath, serverScript, join(this.dir, 'tail.onnx'), this.link.addrB, String(PORT)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await waitForLine(server, (l) => l === 'listening', 'split-server', 30_000);
  }

  /** Shape the link for `point` and time `count` frames through it. */
  async measure(point: GridPoint, o: MeasureOptions): Promise<SplitRow> {
    await this.link.configure({ rateBps: point.rateBps, rttMs: point.rttMs, lossPct: point.lossPct, queueBytes: queueBytesForPoint(point) });
    const config: SplitClientConfig = { ...this.config, connection: o.connection, warmup: o.warmup ?? CLIENT_WARMUP, count: o.count, gapMs: o.gapMs ?? CLIENT_GAP_MS };
    const configPath = join(this.dir, `client-${o.connection}.json`);
    writeFileSync(configPath, JSON.stringify(config));
    const lines = await runClient(this.link.nsA, configPath, 60_000 + o.count * 10_000);
    const frames = lines.filter((l) => !('done' in l)) as FrameRecord[];
    const summary = lines.find((l) => 'done' in l) as ClientSummary | undefined;
    if (!summary) throw new Error('split-client ended without its summary');
    return scoreSplit(measurement(this.caseName, point, o.connection, this.link.congestionControl(), frames, summary), o.simRuns);
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
  return new Promise((resolvePromise, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, clientScript, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`split-client timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`split-client exited ${code}: ${err.trim()}`));
      resolvePromise(
        out
          .split('\n')
          .filter((l) => l.trim().length > 0)
          .map((l) => JSON.parse(l) as FrameRecord | ClientSummary),
      );
    });
  });
}
