import { encodeRequestFrame } from '../../src/protocol/stream-frame.js';
import { type InferRequest, encodeInferRequest } from '../../src/protocol/v2-wire.js';

/** The model the hostile suite attacks: split-net "full", input x FP32 [N, 1, 28, 28], output logits [N, 10]. */
export const MODEL = 'full';
export const INFER_PATH = `/v2/models/${MODEL}/infer`;

export function pixels(seed: number): Float32Array {
  return Float32Array.from({ length: 784 }, (_, i) => ((i * 31 + seed * 977) % 256) / 255);
}

/** A valid request with one image, as the edge client sends it (binary tensors). */
export function goodRequest(seed = 1): InferRequest {
  return { id: `good-${seed}`, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: pixels(seed) }], parameters: { binary_data_output: true } };
}

/** The same request with its data as JSON numbers. */
export function goodJson(seed = 1): string {
  return JSON.stringify({ id: `good-${seed}`, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: Array.from(pixels(seed)) }] });
}

/** HTTP/1.1 POST bytes: a request line, the headers given (Host and Content-Length added unless given), the body. */
export function httpRequest(body: Uint8Array | string, headers: Readonly<Record<string, string>> = {}, path = INFER_PATH): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const all: Record<string, string> = { host: '127.0.0.1', 'content-type': 'application/octet-stream', ...headers };
  if (!Object.keys(all).some((k) => k.toLowerCase() === 'content-length' || k.toLowerCase() === 'transfer-encoding')) all['content-length'] = String(b.length);
  const head = `POST ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
}

/** A good binary request over HTTP. */
export function goodHttp(seed = 1, headers: Readonly<Record<string, string>> = {}): Buffer {
  const e = encodeInferRequest(goodRequest(seed));
  return httpRequest(e.body, { 'inference-header-content-length': String(e.headerLength), ...headers });
}

/** A good request frame for the stream port. */
export function goodFrame(tag: number, seed = 1): Uint8Array {
  const e = encodeInferRequest(goodRequest(seed));
  return encodeRequestFrame(tag, INFER_PATH, e.body, e.headerLength);
}

/** A JSON-only request frame with `json` as its body. */
export function jsonFrame(tag: number, json: string): Uint8Array {
  return encodeRequestFrame(tag, INFER_PATH, new TextEncoder().encode(json));
}
