import { readCapped } from '../compress/stream-bytes.js';
import { TooLargeError } from '../errors.js';

/**
 * How the edge client POSTs a request: the least it needs (status, one header, the body, an
 * abort signal), so Node can skip fetch's Request/Response/Headers objects and browsers can
 * use fetch.
 */
export interface TransportReply {
  readonly status: number;
  header(name: string): string | null;
  readonly body: Uint8Array;
}

/** POSTs `body` to `url` and resolves to the reply; rejects when `signal` aborts. */
export type Transport = (url: string, body: Uint8Array, headers: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<TransportReply>;

/**
 * The largest reply a transport believes: a server's reply is untrusted input too, and an
 * endless or huge one must not fill the edge device's memory. A tail's reply (class scores, a
 * detection list) is far smaller; the server's own body limit has the same default.
 */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** The error for a reply over MAX_REPLY_BYTES (`bytes`: declared, or read so far). */
export function replyTooLarge(bytes: number): TooLargeError {
  return new TooLargeError(`the reply is ${bytes} bytes or more, over the ${MAX_REPLY_BYTES}-byte limit for replies`);
}

/** A Content-Length over the limit, read before any of the body is. */
export function declaresTooMuch(contentLength: string | null | undefined): boolean {
  return contentLength !== null && contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > MAX_REPLY_BYTES;
}

/** A fetch reply's body, given up past MAX_REPLY_BYTES (a Content-Length over it before any is read). */
async function readReply(res: Response): Promise<Uint8Array> {
  if (declaresTooMuch(res.headers.get('content-length'))) {
    await res.body?.cancel().catch(() => undefined);
    throw replyTooLarge(Number(res.headers.get('content-length')));
  }
  return res.body ? readCapped(res.body, MAX_REPLY_BYTES, replyTooLarge) : new Uint8Array(0);
}

/** A transport over a fetch function (the browser's, or Node's built-in one). */
export function fetchTransport(fetchFn: typeof fetch = globalThis.fetch.bind(globalThis)): Transport {
  return async (url, body, headers, signal) => {
    const res = await fetchFn(url, { method: 'POST', body: body as unknown as BodyInit, headers, signal });
    const data = await readReply(res);
    return { status: res.status, header: (n) => res.headers.get(n), body: data };
  };
}
