import { BadRequestError } from '../errors.js';
import { PayloadTooLargeError } from './errors.js';

/**
 * What one peer, or many at once, may make the server hold and for how long: body sizes, the
 * bytes of bodies received but not yet answered, the connections open, and how long a request
 * may take to arrive. Both transports (HTTP and the stream port) apply the same limits.
 */
export interface ConnectionLimits {
  /** largest request body (default 64 MiB); larger bodies get a 413 */
  readonly bodyLimitBytes?: number;
  /**
   * largest JSON part of a request: the whole body when no binary tensors follow, else the
   * header of `Inference-Header-Content-Length` bytes (default 8 MiB). JSON costs 5-10 bytes
   * per element where binary costs 4, and parsing it holds the text and the tree at once.
   */
  readonly jsonLimitBytes?: number;
  /**
   * bytes of request bodies held at once over all connections: received and not yet answered
   * (default 128 MiB, or the body limit when that is larger). A body that would pass it gets a
   * 503, so many slow senders cannot add up to more memory than this.
   */
  readonly maxPendingBodyBytes?: number;
  /** a request's line and headers must arrive within this (HTTP; default 10 s) */
  readonly headersTimeoutMs?: number;
  /** a whole request (an HTTP request with its body, a stream frame) must arrive within this (default 60 s) */
  readonly requestTimeoutMs?: number;
  /** a connection with no request in progress is closed after this long (default 60 s) */
  readonly idleTimeoutMs?: number;
  /** connections open at once, per port; more are closed at once (default 1024) */
  readonly maxConnections?: number;
}

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_JSON_LIMIT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_PENDING_BODY_BYTES = 128 * 1024 * 1024;
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_CONNECTIONS = 1024;

const size = (b: number): string => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${b} bytes`);
/** A limit in exact bytes, and in MiB when that reads better. */
const exact = (b: number): string => (b >= 2 ** 20 ? `${b} bytes (${size(b)})` : `${b} bytes`);

/** The limits with every default filled in. */
export type ResolvedLimits = Required<ConnectionLimits>;

function checkPositive(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new BadRequestError(`${what} must be a positive integer, got ${value}`);
  return value;
}

/** Fills in the defaults and checks the limits against each other. */
export function resolveLimits(l: ConnectionLimits = {}): ResolvedLimits {
  const bodyLimitBytes = checkPositive(l.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, 'the body limit (bytes)');
  const out: ResolvedLimits = {
    bodyLimitBytes,
    // A JSON limit above the body limit could never be reached: the body limit is the bound.
    jsonLimitBytes: Math.min(bodyLimitBytes, checkPositive(l.jsonLimitBytes ?? DEFAULT_JSON_LIMIT_BYTES, 'the JSON body limit (bytes)')),
    maxPendingBodyBytes: checkPositive(l.maxPendingBodyBytes ?? Math.max(DEFAULT_PENDING_BODY_BYTES, bodyLimitBytes), 'the pending body limit (bytes)'),
    headersTimeoutMs: checkPositive(l.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, 'the headers timeout (ms)'),
    requestTimeoutMs: checkPositive(l.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 'the request timeout (ms)'),
    idleTimeoutMs: checkPositive(l.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, 'the idle timeout (ms)'),
    maxConnections: checkPositive(l.maxConnections ?? DEFAULT_MAX_CONNECTIONS, 'the connection limit'),
  };
  if (out.maxPendingBodyBytes < bodyLimitBytes) {
    throw new BadRequestError(`the pending body limit (${out.maxPendingBodyBytes} bytes) is below the body limit (${bodyLimitBytes} bytes): no largest body could ever be received`);
  }
  if (out.headersTimeoutMs > out.requestTimeoutMs) {
    throw new BadRequestError(`the headers timeout (${out.headersTimeoutMs} ms) is longer than the request timeout (${out.requestTimeoutMs} ms), which includes the headers`);
  }
  return out;
}

/**
 * Bytes of request bodies held over all connections of both transports. A transport takes
 * bytes as they arrive and gives them back once the request is answered or its connection gone.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get heldBytes(): number {
    return this.used;
  }

  /** Takes `n` bytes when they fit; false (nothing taken) when they would pass the limit. */
  take(n: number): boolean {
    if (this.used + n > this.maxBytes) return false;
    this.used += n;
    return true;
  }

  give(n: number): void {
    this.used -= n;
  }

  /** What a refused body is told. */
  refusal(): string {
    return `the server holds ${size(this.used)} of request bodies from other clients (limit ${size(this.maxBytes)}); retry later`;
  }
}

/** The 413 for a body over the body limit. */
export function bodyTooLarge(bytes: number, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`the request body is at least ${bytes} bytes, more than the server's limit of ${exact(limit)}`);
}

/** The 413 for a JSON part over the JSON limit. */
export function jsonTooLarge(bytes: number, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`the request's JSON is at least ${bytes} bytes, more than the server's JSON limit of ${exact(limit)}; send tensors as binary data (the Inference-Header-Content-Length extension), or ask for a higher JSON limit`);
}
