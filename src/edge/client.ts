import { type CodecSpec, codecLabel, encodeTensor } from '../compress/codec.js';
import { BadRequestError, CleaveError, NetworkError } from '../errors.js';
import { fromBinary } from '../protocol/datatypes.js';
import { TIMING_REQUEST_PARAMETER, serverMsOf } from '../protocol/server-time.js';
import { HEADER_LENGTH, decodeInferResponse, encodeInferRequest } from '../protocol/v2-wire.js';
import { type CircuitOptions, CircuitBreaker, type CircuitState } from './circuit.js';
import { type ClientStats, RequestCounter } from './client-stats.js';
import type { CutTable } from './cut-table.js';
import { CutSwitcher, type SwitchingOptions } from './cut-switcher.js';
import type { ExitPolicy } from '../exits/policy.js';
import { type ExitRule, decideExit } from './exit-decision.js';
import { RateEstimator, type RateEstimatorOptions } from './rate-estimator.js';
import { type CutRoute, type ResolvedRoute, resolveRoutes } from './routes.js';
import type { EdgeTensor, ModelRunner } from './runtime.js';
import { type Transport, fetchTransport } from './transport.js';

/**
 * Where an answer was computed: an exit of the head that was confident (`exit-<k>`, nothing
 * sent), the server (the tail), or the local fallback after the server failed (`local-exit`: an
 * exit of the head whatever its confidence; `local-full`: the whole model).
 */
export type Origin = 'server' | `exit-${number}` | 'local-exit' | 'local-full';

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

/** Several candidate cuts, and the POPEX table that picks one for the measured uplink rate. */
export interface ReplanOptions {
  /** the expected time of each route's cut per rate (its candidates are the routes' cuts) */
  readonly table: CutTable;
  /** the cut the client starts on (default: the first route's) */
  readonly initialCut?: string;
  readonly switching?: SwitchingOptions;
}

/**
 * Where the tail is served, the head that runs here, and how to send and fall back. One cut:
 * `head` and `model` (and the fields beside them). Several candidate cuts: `routes` and
 * `replan` instead.
 */
export interface EdgeClientOptions {
  /** base URL of a v2 server (cleave serve, Triton, KServe) */
  readonly serverUrl: string;
  /** the tail's model name on the server */
  readonly model?: string;
  readonly version?: string;
  /** the head, run on this device */
  readonly head?: ModelRunner;
  /** head output that is the cut tensor (default: the first output that is not an exit) */
  readonly cutOutput?: string;
  /** tail input name on the server (default: the cut output's name) */
  readonly tailInput?: string;
  /** tail output to return (default: the first the server returns) */
  readonly tailOutput?: string;
  /** the exits in the head, in order of depth: a confident one answers and nothing is sent */
  readonly exits?: readonly ExitRule[];
  /** the cut's name in answers (default: the cut output's name) */
  readonly cut?: string;
  /** one route per candidate cut, instead of head/model/... */
  readonly routes?: readonly CutRoute[];
  /** how to choose among the routes as the measured uplink changes (needed with several) */
  readonly replan?: ReplanOptions;
  /** how exits judge confidence (default max-softmax) */
  readonly exitPolicy?: ExitPolicy;
  /** the uplink estimate from the client's own requests (rate-estimator.ts) */
  readonly rate?: RateEstimatorOptions;
  /**
   * ask the server for its own time on each request (the `cleave_timing` request parameter,
   * default true); turn it off for a server that refuses unknown request parameters
   */
  readonly askServerTime?: boolean;
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
  /** the clock in ms for timings and the uplink estimate (default performance.now); tests pass their own */
  readonly now?: () => number;
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

/** What one call may change: the codec, and exit thresholds by exit output (null: that exit off). */
export interface PredictOptions {
  readonly codec?: CodecSpec;
  readonly thresholds?: Readonly<Record<string, number | null>>;
}

/** One answer per request, saying where it was computed. */
export interface Prediction {
  readonly requestId: string;
  readonly origin: Origin;
  /** the cut the request took (its route's name) */
  readonly cut: string;
  /** exit answers: the exit's confidence per row (max softmax, or entropy in nats) */
  readonly confidence?: readonly number[];
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
let sequence = 0;
const clientTag = Math.floor(Math.random() * 0xffffffff).toString(16);

/**
 * The edge side of a split model: runs the head locally; when an exit in the head is confident
 * it answers at once and sends nothing (exit-decision.ts); otherwise it encodes the cut tensor,
 * sends it to a v2 server and returns the tail's answer. When the server is slow, down or
 * answers garbage it retries with backoff, then computes the answer locally (early exit, else
 * the whole model). After repeated requests without a server answer a circuit breaker answers
 * locally at once and probes the server now and then (circuit.ts). Each call resolves exactly
 * once; replies to abandoned attempts are dropped (aborted and matched by request id), so no
 * answer is duplicated.
 *
 * Every answered request measures the uplink (rate-estimator.ts). With several candidate cuts
 * (`routes`, one head here and one tail there per cut) the client moves to the cut the POPEX
 * table says is best for the rate it now sees, with hysteresis (cut-switcher.ts); requests in
 * flight finish on the cut they started on, and each answer names its cut.
 */
export class EdgeClient {
  private readonly transport: Transport;
  private readonly circuit: CircuitBreaker | undefined;
  private readonly routes: ReadonlyMap<string, ResolvedRoute>;
  private readonly policy: ExitPolicy;
  private readonly rate: RateEstimator;
  private readonly switcher: CutSwitcher | undefined;
  private readonly initialCut: string;
  private readonly counter = new RequestCounter();
  private readonly now: () => number;

  constructor(private readonly options: EdgeClientOptions) {
    this.transport = options.transport ?? fetchTransport();
    this.now = options.now ?? (() => performance.now());
    this.circuit = options.circuit === false ? undefined : new CircuitBreaker({ now: this.now, ...options.circuit });
    this.policy = options.exitPolicy ?? 'max-softmax';
    this.rate = new RateEstimator(options.rate);
    const resolved = resolveRoutes(options.serverUrl, routesOf(options), this.policy, options.fallback?.exitOutput);
    this.routes = new Map(resolved.map((r) => [r.cut, r]));
    const replan = options.replan;
    if (!replan && resolved.length > 1) throw new BadRequestError(`${resolved.length} routes but no table to choose among them: give replan.table`);
    this.initialCut = replan?.initialCut ?? resolved[0]!.cut; // resolveRoutes gives at least one route
    if (!this.routes.has(this.initialCut)) throw new BadRequestError(`the initial cut "${this.initialCut}" has no route (routes: ${[...this.routes.keys()].join(', ')})`);
    if (replan) {
      const candidates = replan.table.costs.map((c) => c.cut);
      const missing = [...this.routes.keys()].filter((c) => !candidates.includes(c));
      if (missing.length || candidates.length !== this.routes.size) throw new BadRequestError(`the table's candidate cuts (${candidates.join(', ')}) must be the routes' cuts (${[...this.routes.keys()].join(', ')})`);
      this.switcher = new CutSwitcher(replan.table, this.initialCut, replan.switching);
    }
  }

  /** The route new requests take. */
  private route(): ResolvedRoute {
    return this.routes.get(this.switcher?.current ?? this.initialCut)!; // every cut the switcher can pick, and the initial one, has a route (checked in the constructor)
  }

  /** Runs one request; it is counted when it starts and once when it ends, answered or failed. */
  async predict(input: Readonly<Record<string, EdgeTensor>>, options: PredictOptions = {}): Promise<Prediction> {
    this.counter.start();
    try {
      const p = await this.run(input, options);
      this.counter.answer(p.cut, p.origin);
      return p;
    } catch (e) {
      this.counter.fail();
      throw e;
    }
  }

  private async run(input: Readonly<Record<string, EdgeTensor>>, options: PredictOptions): Promise<Prediction> {
    const t0 = this.now();
    const requestId = `${clientTag}-${++sequence}`;
    const route = this.route();
    const spec = options.codec ?? this.options.codec ?? { name: 'fp32' };
    const headOut = await route.head.run(input);
    const exit = decideExit(headOut, route.exits, this.policy, options.thresholds);
    const t1 = this.now();
    if (exit) {
      return {
        requestId, origin: `exit-${exit.index}`, cut: route.cut, confidence: exit.confidence, scores: exit.scores, labels: argmaxRows(exit.scores),
        attempts: 0, bytesSent: 0, cutBytes: 0, codec: codecLabel(spec),
        timing: { headMs: t1 - t0, encodeMs: 0, networkMs: 0, localMs: 0, totalMs: t1 - t0 },
      };
    }
    const cut = headOut[route.cutOutput];
    if (!cut) throw new BadRequestError(`the head produced no output "${route.cutOutput}"`);
    if (cut.dtype !== 'float32') throw new BadRequestError(`cut tensor "${route.cutOutput}" is ${cut.dtype}; the codecs take float32`);
    const enc = await encodeTensor({ dims: cut.dims, data: cut.data as Float32Array }, spec);
    const body = encodeInferRequest({
      id: requestId,
      inputs: [{ name: route.tailInput, datatype: enc.datatype, shape: enc.shape, data: fromBinary(enc.datatype, enc.shape, enc.bytes, route.cutOutput), parameters: enc.parameters }],
      parameters: { binary_data_output: true, ...(this.options.askServerTime === false ? {} : { [TIMING_REQUEST_PARAMETER]: true }) },
      ...(route.tailOutput ? { outputs: [{ name: route.tailOutput, parameters: { binary_data: true } }] } : {}),
    });
    const t2 = this.now();
    const base = { requestId, cut: route.cut, bytesSent: body.body.length, cutBytes: enc.bytes.length, codec: codecLabel(spec) };

    const { scores, attempts, reason } = await this.send(route, body.body, body.headerLength, requestId);
    const t3 = this.now();
    if (scores) {
      return {
        ...base, origin: 'server', scores, labels: argmaxRows(scores), attempts,
        timing: { headMs: t1 - t0, encodeMs: t2 - t1, networkMs: t3 - t2, localMs: 0, totalMs: t3 - t0 },
      };
    }
    const local = await this.local(route, input, headOut, reason);
    const t4 = this.now();
    return {
      ...base, ...(attempts === 0 ? { bytesSent: 0 } : {}), ...local, labels: argmaxRows(local.scores), attempts, fallbackReason: reason,
      timing: { headMs: t1 - t0, encodeMs: t2 - t1, networkMs: t3 - t2, localMs: t4 - t3, totalMs: t4 - t0 },
    };
  }

  /** The circuit's state: closed (requests go to the server), open (answered locally), half-open (probing). */
  get circuitState(): CircuitState {
    return this.circuit?.state ?? 'closed';
  }

  /** The cut new requests take. */
  get cut(): string {
    return this.route().cut;
  }

  /** The uplink estimate from this client's requests, Mbit/s (undefined until enough were measured). */
  get uplinkMbps(): number | undefined {
    return this.rate.mbps;
  }

  /** Requests so far: answered by origin and by cut, failed, in flight; the uplink estimate and the cut changes. */
  stats(): ClientStats {
    const { measured, skipped } = this.rate.counts;
    return { ...this.counter.snapshot(), cut: this.cut, uplinkMbps: this.rate.mbps, measured, unmeasured: skipped, switches: [...(this.switcher?.history ?? [])] };
  }

  /** An answered request's upload, measured: the estimate moves, and the cut may change. */
  private measured(bytes: number, requestMs: number, serverMs: number): void {
    if (this.rate.observe(bytes, requestMs, serverMs) === undefined) return;
    this.switcher?.update(this.rate.mbps);
  }

  /**
   * The server's answer, trying again with backoff while that can help, or why there is none.
   * The circuit decides whether to try at all; while it is open the answer is local at once.
   */
  private async send(route: ResolvedRoute, body: Uint8Array, headerLength: number | undefined, requestId: string): Promise<{ scores?: EdgeTensor; attempts: number; reason: string }> {
    const admission = this.circuit?.admit() ?? 'send';
    if (admission === 'local') return { attempts: 0, reason: this.circuit!.reason() }; // admit() answered, so the circuit exists
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
          const { scores, requestMs, serverMs } = await this.attempt(route, body, headerLength, requestId, policy.timeoutMs ?? 2000);
          answered = true;
          this.measured(body.length, requestMs, serverMs);
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

  /**
   * The local answer after the server failed: the exit named in `fallback`, else the whole
   * model, else the deepest exit of the head (whatever its confidence).
   */
  private async local(route: ResolvedRoute, input: Readonly<Record<string, EdgeTensor>>, headOut: Record<string, EdgeTensor>, reason: string): Promise<{ origin: Origin; scores: EdgeTensor }> {
    // Bounds: a model runner has at least one output, and its run returns every output.
    const named = route.fallbackExit ? headOut[route.fallbackExit] : undefined;
    if (named) return { origin: 'local-exit', scores: named };
    const full = this.options.fallback?.full;
    if (full) {
      const out = await full.run(input);
      const name = full.outputNames[0]!;
      return { origin: 'local-full', scores: out[name]! };
    }
    const deepest = route.deepestExit ? headOut[route.deepestExit] : undefined;
    if (deepest) return { origin: 'local-exit', scores: deepest };
    throw new NetworkError(`the server gave no answer (${reason}) and this device has no early exit or whole model to fall back on`);
  }

  /**
   * One POST with a timeout covering the whole reply; the reply is checked before it is
   * believed. Returns the scores, the request's time from sending to the whole reply, and the
   * server's own time on it (0 when it did not say).
   */
  private async attempt(route: ResolvedRoute, body: Uint8Array, headerLength: number | undefined, requestId: string, timeoutMs: number): Promise<{ scores: EdgeTensor; requestMs: number; serverMs: number }> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let status: number;
    let reply: Uint8Array;
    let replyHeader: string | null;
    const sent = this.now();
    let requestMs: number;
    try {
      const res = await this.transport(route.inferUrl, body, {
        'content-type': 'application/octet-stream',
        ...(headerLength !== undefined ? { 'inference-header-content-length': String(headerLength) } : {}),
      }, abort.signal);
      requestMs = this.now() - sent;
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
      const out = route.tailOutput ? res.outputs.find((o) => o.name === route.tailOutput) : res.outputs[0];
      if (!out) throw new NetworkError('reply has no output');
      if (out.datatype !== 'FP32') throw new NetworkError(`reply output is ${out.datatype}, expected FP32 scores`);
      return { scores: { dtype: 'float32', dims: out.shape, data: out.data as Float32Array }, requestMs, serverMs: serverMsOf(res.parameters) };
    } catch (e) {
      throw new AttemptError(`malformed reply: ${e instanceof CleaveError ? e.message : (e as Error).message}`, true);
    }
  }
}

/** The client's routes: the ones given, or the one of head/model/... */
function routesOf(o: EdgeClientOptions): readonly CutRoute[] {
  if (o.routes) {
    if (o.head || o.model) throw new BadRequestError('give either routes (several cuts) or head and model (one cut), not both');
    return o.routes;
  }
  if (!o.head || o.model === undefined) throw new BadRequestError('the edge client needs a head and the tail\'s model name (or routes, one per candidate cut)');
  return [{
    head: o.head, model: o.model,
    ...(o.cut !== undefined ? { cut: o.cut } : {}), ...(o.version !== undefined ? { version: o.version } : {}), ...(o.cutOutput !== undefined ? { cutOutput: o.cutOutput } : {}),
    ...(o.tailInput !== undefined ? { tailInput: o.tailInput } : {}), ...(o.tailOutput !== undefined ? { tailOutput: o.tailOutput } : {}),
    ...(o.exits ? { exits: o.exits } : {}),
  }];
}
