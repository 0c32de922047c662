import { BadRequestError, CleaveError } from '../errors.js';
import { ModelNotFoundError, UnavailableError } from './errors.js';
import { jsonTooLarge } from './limits.js';
import type { Metrics } from './metrics.js';
import type { ServedModel } from './served-model.js';
import { SERVER_MS_PARAMETER, wantsServerTime } from '../protocol/server-time.js';
import { type DecodeLimits, decodeInferRequest, encodeInferResponse, wantsBinary } from '../protocol/v2-wire.js';

/** An inference reply as both transports send it: HTTP (REST) and the binary stream. */
export interface InferReply {
  readonly status: number;
  /** the v2 response (JSON header + binary tensors), or `{"error": "..."}` */
  readonly body: Uint8Array;
  /** length of the JSON header when binary tensors follow it */
  readonly headerLength?: number;
}

/** HTTP status for an error: the CleaveError code decides, fastify's own errors keep theirs. */
export function statusOf(e: unknown): number {
  if (e instanceof CleaveError) {
    switch (e.code) {
      case 'BAD_REQUEST': case 'DEFLATE_UNAVAILABLE': return 400;
      case 'MODEL_NOT_FOUND': return 404;
      case 'REQUEST_TIMEOUT': return 408;
      case 'PAYLOAD_TOO_LARGE': return 413;
      case 'UNAVAILABLE': return 503;
      default: return 500;
    }
  }
  const s = (e as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

/** The `{"error": ...}` text for an error: internal failures say so, client errors speak for themselves. */
export function errorMessage(e: unknown, status: number): string {
  const text = e instanceof Error ? e.message : String(e);
  return e instanceof CleaveError || status < 500 ? text : `internal error: ${text}`;
}

const encoder = new TextEncoder();

/** The v2 error body, `{"error": "..."}`. */
export function errorBody(message: string): Uint8Array {
  return encoder.encode(JSON.stringify({ error: message }));
}

/**
 * What serving an inference request means, whatever carried it: find the model, check limits,
 * decode, run, encode, count. Never throws: failures become `{"error": ...}` replies with the
 * status the v2 protocol gives them, so every transport answers every request once.
 */
export class InferCore {
  private readonly byName = new Map<string, ServedModel>();
  closing = false;

  constructor(
    models: readonly ServedModel[],
    readonly metrics: Metrics,
    private readonly maxInflight: number,
    private readonly limits: DecodeLimits | undefined,
    /** largest JSON part of a request (see ConnectionLimits.jsonLimitBytes) */
    private readonly jsonLimitBytes: number,
  ) {
    for (const m of models) {
      if (this.byName.has(m.name)) throw new BadRequestError(`two models are named "${m.name}"`);
      this.byName.set(m.name, m);
    }
  }

  find(name: string, version: string | undefined): ServedModel {
    const m = this.byName.get(name);
    if (!m) throw new ModelNotFoundError(`unknown model "${name}"; this server holds ${[...this.byName.keys()].map((n) => `"${n}"`).join(', ') || 'no models'}`);
    if (version !== undefined && version !== m.version) throw new ModelNotFoundError(`model "${name}" has no version "${version}" (it has ${m.version})`);
    return m;
  }

  async infer(name: string, version: string | undefined, body: Uint8Array, headerLength: () => number | undefined): Promise<InferReply> {
    const started = performance.now();
    const label = this.byName.has(name) ? name : '_unknown';
    const m = this.metrics;
    m.inflight++;
    try {
      if (this.closing) throw new UnavailableError('the server is shutting down');
      if (m.inflight > this.maxInflight) throw new UnavailableError(`more than ${this.maxInflight} requests in flight; retry later`);
      const model = this.find(name, version);
      if (body.length === 0) throw new BadRequestError('the inference request has no body');
      const jsonBytes = headerLength();
      // Checked before parsing: JSON.parse of a large body costs ~13x its size and stalls the loop.
      if ((jsonBytes ?? body.length) > this.jsonLimitBytes) throw jsonTooLarge(jsonBytes ?? body.length, this.jsonLimitBytes);
      const request = decodeInferRequest(body, jsonBytes, this.limits);
      const response = await model.infer(request);
      // The edge client's uplink estimate takes the server's own time off the request's.
      const timed = wantsServerTime(request.parameters) ? { ...response, parameters: { ...response.parameters, [SERVER_MS_PARAMETER]: performance.now() - started } } : response;
      const encoded = encodeInferResponse(timed, wantsBinary(request));
      m.observe(label, 200, (performance.now() - started) / 1000, body.length);
      return { status: 200, ...encoded };
    } catch (e) {
      const status = statusOf(e);
      m.observe(label, status, (performance.now() - started) / 1000, body.length);
      m.error(label, e instanceof CleaveError ? e.code : 'INTERNAL');
      return { status, body: errorBody(errorMessage(e, status)) };
    } finally {
      m.inflight--;
    }
  }
}
