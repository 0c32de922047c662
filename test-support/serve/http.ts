/** A raw HTTP reply as tests look at it. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
  /** the body parsed as JSON, when it is JSON */
  readonly json: unknown;
}

export async function request(url: string, init: { method?: string; body?: Uint8Array | string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    ...(init.body !== undefined ? { body: init.body as unknown as string } : {}),
    headers: init.headers ?? {},
  });
  const body = new Uint8Array(await res.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, body, json };
}

export function postJson(url: string, value: unknown): Promise<Reply> {
  return request(url, { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
}
