import { type CodecSpec, codecLabel, encodeTensor } from '../compress/codec.js';
import { BadRequestError, CleaveError, NetworkError } from '../errors.js';
import { fromBinary } from '../protocol/datatypes.js';
import { HEADER_LENGTH, decodeInferResponse, encodeInferRequest } from '../protocol/v2-wire.js';
import { type CircuitOptions, CircuitBreaker, type CircuitState } from './circuit.js';
import type { EdgeTensor, ModelRunner } from './runtime.js';
import { type Transport, fetchTransport } from './transport.js';

/** Where an answer was computed. */
export type Origin = 'server' | 'local-exit' | 'local-full';

/** How often and how patiently the client tries the server before falling back. */
export interface RetryPolicy {
  /** per attempt, from sending to the whole reply read (default 2000) */
  readonly timeoutMs?: number;
  /** attempts after the first (default 2) */
  readonly retries?: number;
  /** first backoff; doubles per retry (default 50) */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** Where the tail is served, the head that runs here, and how to send and fall back. */
export interface EdgeClientOptions {
  /** base URL of a v2 server (cleave serve, Triton, KServe) */
  readonly serverUrl: string;
  /** the tail's model name on the server */
  readonly model: string;
  readonly version?: string;
  /** the head, run on this device */
  readonly head: ModelRunner;
  /** head output that is the cut tensor (default: the first output that is not the exit) */
  readonly cutOutput?: string;
  /** tail input name on the server (default: the cut output's name) */
  readonly tailInput?: string;
  /** tail output to return (default: the first the server returns) */
  readonly tailOutput?: string;
  readonly codec?: CodecSpec;
  readonly retry?: RetryPolicy;
  /** what to do when the server cannot answer */
  readonly fallback?: {
    /** head output holding an early exit's class scores */
    readonly exitOutput?: string;
    /** the whole model, when the device holds it */
    readonly full?: ModelRunner;
  };
  /** how requests are sent (default: fetch; in Node `nodeTransport` is lighter) */
  readonly transport?: Transport;
  /**
   * the circuit breaker: after repeated requests without a server answer, answer locally at
   * once and probe the server now and then (see circuit.ts); `false` turns it off
   */
  readonly circuit?: CircuitOptions | false;
}

/** Where one prediction's time went, ms. */
export interface Timing {
  readonly headMs: number;
  readonly encodeMs: number;
  /** time spent on the wire and in the server, all attempts */
  readonly networkMs: number;
  /** time spent computing the answer locally after the server failed */
  readonly localMs: number;
  readonly totalMs: number;
}

/** One answer per request, saying where it was computed. */
export interface Prediction {
  readonly requestId: string;
  readonly origin: Origin;
  /** the class scores (tail output, exit output or full-model output) */
  readonly scores: EdgeTensor;
  /** argmax per row */
  readonly labels: readonly number[];
  /** attempts made on the server: 0 when the circuit was open and the answer is local at once */
  readonly attempts: number;
  /** body bytes of one request (0 when nothing was sent) */
  readonly bytesSent: number;
  /** bytes of the cut tensor itself as encoded by the codec */
  readonly cutBytes: number;
  readonly codec: string;
  readonly timing: Timing;
  /** why the server's answer was not used (fallback answers only) */
  readonly fallbackReason?: string;
}

/** A failure of one attempt; `retry` says whether trying again can help. */
class AttemptError extends Error {
  constructor(message: string, readonly retry: boolean) {
    super(message);
  }
}

/** The index of the largest score in each row of a [rows, classes] tensor. */
export function argmaxRows(t: EdgeTensor): number[] {
  const cols = t.dims[t.dims.length - 1] ?? 1;
  const rows = cols === 0 ? 0 : t.data.length / cols;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (Number(t.data[r * cols + c]) > Number(t.data[r * cols + best])) best = c;
    out.push(best);
  }
  return out;
}

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let sequence = 0;
const clientTag = Math.floor(Math.random() * 0xffffffff).toString(16);

/**
 * The edge side of a split model: runs the head locally, encodes the cut tensor, sends it to a
 * v2 server and returns the tail's answer. When the server is slow, down or answers garbage it
 * retries with backoff, then computes the answer locally (early exit, else the whole model).
 * After repeated requests without a server answer a circuit breaker answers locally at once
 * and probes the server now and then (circuit.ts). Each call resolves exactly once; replies to abandoned attempts are dropped (aborted and
 * matched by request id), so no answer is duplicated.
 */
export class EdgeClient {
  private readonly transport: Transport;
  private readonly inferUrl: string;
  private readonly circuit: CircuitBreaker | undefined;

  constructor(private readonly options: EdgeClientOptions) {
    this.transport = options.transport ?? fetchTransport();
    this.circuit = options.circuit === false ? undefined : new CircuitBreaker(options.circuit);
    const base = options.serverUrl.replace(/\/+$/, '');
    const version = options.version !== undefined ? `/versions/${encodeURIComponent(options.version)}` : '';
    this.inferUrl = `${base}/v2/models/${encodeURIComponent(options.model)}${version}/infer`;
  }

  private cutName(): string {
    const exit = this.options.fallback?.exitOutput;
    const name = this.options.cutOutput ?? this.options.head.outputNames.find((n) => n !== exit);
    if (!name) throw new BadRequestError('the head has no output to send: give cutOutput');
    return name;
  }

  async predict(input: Readonly<Record<string, EdgeTensor>>): Promise<Prediction> {
    const t0 = now();
    const requestId = `${clientTag}-${++sequence}`;
    const headOut = await this.options.head.run(input);
    const t1 = now();
    const cutName = this.cutName();
    const cut = headOut[cutName];
    if (!cut) throw new BadRequestError(`the head produced no output "${cutName}"`);
    if (cut.dtype !== 'float32') throw new BadRequestError(`cut tensor "${cutName}" is ${cut.dtype}; the codecs take float32`);
    const spec = this.options.codec ?? { name: 'fp32' };
    const enc = await encodeTensor({ dims: cut.dims, data: cut.data as Float32Array }, spec);
    const body = encodeInferRequest({
      id: requestId,
      inputs: [{ name: this.options.tailInput ?? cutName, datatype: enc.datatype, shape: enc.shape, data: fromBinary(enc.datatype, enc.shape, enc.bytes, cutName), parameters: enc.parameters }],
      parameters: { binary_data_output: true },
      ...(this.options.tailOutput ? { outputs: [{ name: this.options.tailOutput, parameters: { binary_data: true } }] } : {}),
    });
    const t2 = now();
    const base = { requestId, bytesSent: body.body.length, cutBytes: enc.bytes.length, codec: codecLabel(spec) };

    const { scores, attempts, reason } = await this.send(body.body, body.headerLength, requestId);
    const t3 = now();
    if (scores) {
      return {
        ...base, origin: 'server', scores, labels: argmaxRows(scores), attempts,
        timing: { headMs: t1 - t0, encodeMs: t2 - t1, networkMs: t3 - t2, localMs: 0, totalMs: t3 - t0 },
      };
    }
    const local = await this.local(input, headOut, reason);
    const t4 = now();
    return {
      ...base, ...(attempts === 0 ? { bytesSent: 0 } : {}), ...local, labels: argmaxRows(local.scores), attempts, fallbackReason: reason,
      timing: { headMs: t1 - t0, encodeMs: t2 - t1, networkMs: t3 - t2, localMs: t4 - t3, totalMs: t4 - t0 },
    };
  }

  /** The circuit's state: closed (requests go to the server), open (answered locally), half-open (probing). */
  get circuitState(): CircuitState {
    return this.circuit?.state ?? 'closed';
  }

  /**
   * The server's answer, trying again with backoff while that can help, or why there is none.
   * The circuit decides whether to try at all; while it is open the answer is local at once.
   */
  private async send(body: Uint8Array, headerLength: number | undefined, requestId: string): Promise<{ scores?: EdgeTensor; attempts: number; reason: string }> {
    const admission = this.circuit?.admit() ?? 'send';
    if (admission === 'local') return { attempts: 0, reason: (this.circuit as CircuitBreaker).reason() };
    const probe = admission === 'probe';
    const policy = this.options.retry ?? {};
    // A probe tries once: a dead server must not cost the whole retry budget again.
    const retries = probe ? 0 : policy.retries ?? 2;
    let attempts = 0;
    let reason = '';
    let answered = false;
    try {
      for (;;) {
        attempts++;
        try {
          const scores = await this.attempt(body, headerLength, requestId, policy.timeoutMs ?? 2000);
          answered = true;
          return { scores, attempts, reason };
        } catch (e) {
          reason = (e as Error).message;
          // 4xx: the server is up and answered; this request will never succeed, no retry.
          if (e instanceof AttemptError && !e.retry) {
            answered = true;
            return { attempts, reason };
          }
          if (attempts > retries || this.circuit?.isOpen) return { attempts, reason };
          const backoff = Math.min(policy.maxBackoffMs ?? 2000, (policy.backoffMs ?? 50) * 2 ** (attempts - 1));
          await sleep(backoff * (0.5 + Math.random() / 2));
          if (this.circuit?.isOpen && !probe) return { attempts, reason };
        }
      }
    } finally {
      if (answered) this.circuit?.answered();
      else this.circuit?.failed(reason, probe);
    }
  }

  /** The local answer after the server failed: the early exit, else the whole model. */
  private async local(input: Readonly<Record<string, EdgeTensor>>, headOut: Record<string, EdgeTensor>, reason: string): Promise<{ origin: Origin; scores: EdgeTensor }> {
    const fb = this.options.fallback;
    const exit = fb?.exitOutput ? headOut[fb.exitOutput] : undefined;
    if (exit) return { origin: 'local-exit', scores: exit };
    if (fb?.full) {
      const out = await fb.full.run(input);
      const name = fb.full.outputNames[0] as string;
      return { origin: 'local-full', scores: out[name] as EdgeTensor };
    }
    throw new NetworkError(`the server gave no answer (${reason}) and this device has no early exit or whole model to fall back on`);
  }

  /** One POST with a timeout covering the whole reply; the reply is checked before it is believed. */
  private async attempt(body: Uint8Array, headerLength: number | undefined, requestId: string, timeoutMs: number): Promise<EdgeTensor> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let status: number;
    let reply: Uint8Array;
    let replyHeader: string | null;
    try {
      const res = await this.transport(this.inferUrl, body, {
        'content-type': 'application/octet-stream',
        ...(headerLength !== undefined ? { 'inference-header-content-length': String(headerLength) } : {}),
      }, abort.signal);
      status = res.status;
      replyHeader = res.header(HEADER_LENGTH);
      reply = res.body;
    } catch (e) {
      const msg = abort.signal.aborted ? `no reply within ${timeoutMs} ms` : `request failed: ${(e as Error).message}${(e as { cause?: { code?: string } }).cause?.code ? ` (${(e as { cause: { code: string } }).cause.code})` : ''}`;
      throw new AttemptError(msg, true);
    } finally {
      clearTimeout(timer);
    }
    if (status !== 200) {
      let text = '';
      try {
        text = String((JSON.parse(new TextDecoder().decode(reply)) as { error?: unknown }).error ?? '');
      } catch {
        text = '';
      }
      // 4xx (but timeouts and rate limits) means this request will never succeed: no retry.
      const retry = status >= 500 || status === 408 || status === 429;
      throw new AttemptError(`server answered ${status}${text ? `: ${text}` : ''}`, retry);
    }
    try {
      const res = decodeInferResponse(reply, replyHeader === null ? undefined : Number(replyHeader));
      if (res.id !== requestId) throw new NetworkError(`reply is for request ${JSON.stringify(res.id)}, not ${requestId}`);
      const out = this.options.tailOutput ? res.outputs.find((o) => o.name === this.options.tailOutput) : res.outputs[0];
      if (!out) throw new NetworkError('reply has no output');
      if (out.datatype !== 'FP32') throw new NetworkError(`reply output is ${out.datatype}, expected FP32 scores`);
      return { dtype: 'float32', dims: out.shape, data: out.data as Float32Array };
    } catch (e) {
      throw new AttemptError(`malformed reply: ${e instanceof CleaveError ? e.message : (e as Error).message}`, true);
    }
  }
}
