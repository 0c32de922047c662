/**
 * A split model and a link made of plain code, for testing the edge client's exits, uplink
 * estimate and re-planning without ONNX Runtime or a network: heads that output a cut tensor of
 * a chosen size and exit logits read off the input, a fake clock, and a transport that
 * "sends" a request at a settable rate by moving that clock and answers as a v2 server would.
 */
import type { EdgeConfig } from '../../src/edge/edge-config.js';
import type { ModelRunner } from '../../src/edge/runtime.js';
import type { Transport } from '../../src/edge/transport.js';
import { SERVER_MS_PARAMETER, wantsServerTime } from '../../src/protocol/server-time.js';
import { decodeInferRequest, encodeInferResponse, HEADER_LENGTH } from '../../src/protocol/v2-wire.js';

export const CLASSES = 10;

/**
 * Two candidate cuts: after block1 (400 kB up, exit 0 in the head) and after block2 (40 kB up
 * after 100 ms more on the edge, exits 0 and 1 in the head). By hand, with the exit
 * probabilities 0.2 and 0.5: T_block1 = 1.66 + 2560 / B and T_block2 = 81.94 + 128 / B ms,
 * equal at B = 2432 / 80.28 = 30.3 Mbit/s: block1 is best on a fast link, block2 on a slow one.
 */
export const TWO_CUT_CONFIG: EdgeConfig = {
  version: 1, inputBytes: 12, rttMs: 0,
  layers: [
    { name: 'block1', edgeMs: 1, cloudMs: 0.1, outputBytes: 400_000 },
    { name: 'block2', edgeMs: 100, cloudMs: 0.1, outputBytes: 40_000 },
    { name: 'classifier', edgeMs: 1, cloudMs: 0.1, outputBytes: 40 },
  ],
  exits: [
    { output: 'exit_0_logits', after: 'block1', edgeMs: 0.5, exitProbability: 0.2, threshold: 0.9 },
    { output: 'exit_1_logits', after: 'block2', edgeMs: 0.5, exitProbability: 0.5, threshold: 0.9 },
  ],
  cuts: [
    { after: 'block1', head: 'block1/head.onnx', model: 'tail-block1' },
    { after: 'block2', head: 'block2/head.onnx', model: 'tail-block2' },
  ],
  switching: { initialCut: 'block1', hysteresis: 0.2, dwell: 3, window: 5, minSamples: 3 },
};


/** A clock the test moves. */
export class FakeClock {
  private t = 0;
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * The input of a fake head: [seed, g_0, g_1, ...]. Exit k's logits are g_k on class 3 and 0
 * elsewhere, so its max softmax is e^{g_k} / (e^{g_k} + 9): g = 6 gives 0.978, g = 1 gives 0.23.
 */
export function fakeInput(seed: number, gaps: readonly number[]): Record<string, { dtype: 'float32'; dims: number[]; data: Float32Array }> {
  return { x: { dtype: 'float32', dims: [1, 1 + gaps.length], data: Float32Array.from([seed, ...gaps]) } };
}

/** A head: the cut tensor `cutOutput` of `cutElements` floats, and the given exit outputs (exit k reads g_k). */
export function fakeHead(cutOutput: string, cutElements: number, exits: readonly string[]): ModelRunner & { runs: number } {
  const head = {
    runs: 0,
    inputNames: ['x'],
    outputNames: [cutOutput, ...exits],
    async run(feeds: Readonly<Record<string, { data: unknown }>>) {
      head.runs++;
      const x = feeds.x?.data as Float32Array;
      const out: Record<string, { dtype: 'float32'; dims: number[]; data: Float32Array }> = {
        [cutOutput]: { dtype: 'float32', dims: [1, cutElements], data: new Float32Array(cutElements).fill(x[0]!) },
      };
      exits.forEach((name, k) => {
        const logits = new Float32Array(CLASSES);
        logits[3] = x[1 + k]!;
        out[name] = { dtype: 'float32', dims: [1, CLASSES], data: logits };
      });
      return out;
    },
    release: async () => undefined,
  };
  return head;
}

/** One request as the fake link carried it. */
export interface FakeCall {
  readonly model: string;
  readonly bytes: number;
  readonly mbps: number;
}

/**
 * The link and the server: a request of b bytes takes 8 b / (1000 mbps) ms plus `rttMs` plus
 * the server's `serverMs` (reported in the reply when asked) plus a queued stall, on the fake
 * clock. The reply's logits point at class `classOf(model)`, so a test sees which tail answered.
 */
export class FakeLink {
  mbps = 10;
  rttMs = 0;
  serverMs = 2;
  /** whether the server reports its time when asked (Triton does not) */
  reportsServerMs = true;
  /** answer every request with this HTTP status and no body instead (a failing server) */
  failWith: number | undefined;
  /** extra ms for the next requests, one each (a retransmission timeout, a busy CPU) */
  readonly stalls: number[] = [];
  readonly calls: FakeCall[] = [];
  /** requests that asked for the server's time */
  timingAsked = 0;

  constructor(private readonly clock: FakeClock, private readonly classOf: (model: string) => number = () => 0) {}

  readonly transport: Transport = async (url, body, headers) => {
    const header = headers[HEADER_LENGTH];
    const req = decodeInferRequest(body, header === undefined ? undefined : Number(header));
    const model = decodeURIComponent(/\/v2\/models\/([^/]+)\//.exec(url)?.[1] ?? '');
    this.calls.push({ model, bytes: body.length, mbps: this.mbps });
    if (wantsServerTime(req.parameters)) this.timingAsked++;
    this.clock.advance((8 * body.length) / (1000 * this.mbps) + this.rttMs + this.serverMs + (this.stalls.shift() ?? 0));
    if (this.failWith !== undefined) return { status: this.failWith, header: () => null, body: new Uint8Array(0) };
    const logits = new Float32Array(CLASSES);
    logits[this.classOf(model)] = 5;
    const enc = encodeInferResponse({
      model_name: model, ...(req.id !== undefined ? { id: req.id } : {}),
      ...(this.reportsServerMs && wantsServerTime(req.parameters) ? { parameters: { [SERVER_MS_PARAMETER]: this.serverMs } } : {}),
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [1, CLASSES], data: logits }],
    }, () => true);
    return { status: 200, header: (n) => (n.toLowerCase() === HEADER_LENGTH && enc.headerLength !== undefined ? String(enc.headerLength) : null), body: enc.body };
  };
}
