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

/** A transport over a fetch function (the browser's, or Node's built-in one). */
export function fetchTransport(fetchFn: typeof fetch = globalThis.fetch.bind(globalThis)): Transport {
  return async (url, body, headers, signal) => {
    const res = await fetchFn(url, { method: 'POST', body: body as unknown as BodyInit, headers, signal });
    const data = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, header: (n) => res.headers.get(n), body: data };
  };
}
