import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequestError } from '../errors.js';
import { UnavailableError } from './errors.js';
import { type BodyBudget, type ResolvedLimits, bodyTooLarge, jsonTooLarge } from './limits.js';
import { HEADER_LENGTH } from '../protocol/v2-wire.js';

/** The binary extension's header: the JSON part's length, or undefined for an all-JSON body. */
export function headerLength(req: FastifyRequest | IncomingMessage): number | undefined {
  const h = req.headers[HEADER_LENGTH];
  if (h === undefined) return undefined;
  const text = Array.isArray(h) ? h.join(',') : h;
  if (!/^\d{1,15}$/.test(text)) throw new BadRequestError(`Inference-Header-Content-Length must be a byte count, got "${text}"`);
  return Number(text);
}

function declaredLength(req: IncomingMessage): number | undefined {
  const h = req.headers['content-length'];
  return h !== undefined && /^\d{1,15}$/.test(h) ? Number(h) : undefined;
}

/**
 * The HTTP side of the connection limits, for every route of a fastify app:
 *
 * - a body over the body limit, or a JSON part over the JSON limit, is refused with a 413 as
 *   soon as its Content-Length or its size so far shows it, before the rest is held;
 * - the bytes held count against `budget`, shared with the stream port, until the reply has
 *   gone out (or the connection is gone); a body that does not fit gets a 503;
 * - after a refusal the rest of the body is read and dropped, not held, until the request
 *   timeout; the reply closes the connection (fastify does so after any body error);
 * - a request Node cannot read (late, oversized headers, not HTTP) gets a v2 error body.
 */
export class HttpLimits {
  /** per request: the body bytes it holds, and whether its response or connection is gone (then it may hold none) */
  private readonly held = new WeakMap<IncomingMessage, { bytes: number; gone: boolean }>();
  /** connections whose request was answered (refused) while its body still comes in */
  private readonly answeredEarly = new WeakSet<Socket>();

  constructor(private readonly limits: ResolvedLimits, private readonly budget: BodyBudget) {}

  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (req, reply) => {
      const record = { bytes: 0, gone: false };
      this.held.set(req.raw, record);
      // Bytes are given back when the response closes (sent or cut short), or when the
      // connection does: a pipelined request queued behind another never gets its response's
      // 'close' if the connection dies first. The connection may even be gone already (Node
      // parsed this request, then bytes it could not read, and closed it before this hook).
      const socket = req.raw.socket;
      const release = () => {
        record.gone = true;
        this.budget.give(record.bytes);
        record.bytes = 0;
        reply.raw.off('close', release);
        socket.off('close', release);
      };
      reply.raw.once('close', release);
      socket.once('close', release);
      if (socket.destroyed) release();
    });
    app.removeAllContentTypeParsers();
    // Bodies are parsed by the v2 decoder (JSON header + binary tensors), whatever the content type says.
    app.addContentTypeParser('*', (req, payload, done) => this.read(req, payload as IncomingMessage, done));
  }

  private read(req: FastifyRequest, raw: IncomingMessage, done: (err: Error | null, body?: Buffer) => void): void {
    const { limits, budget } = this;
    const record = this.held.get(req.raw) ?? { bytes: 0, gone: true };
    let jsonBytes: number | undefined;
    try {
      jsonBytes = headerLength(req);
    } catch {
      jsonBytes = undefined; // a malformed header is the handler's 400, once the body is in
    }
    const limit = req.headers[HEADER_LENGTH] !== undefined ? limits.bodyLimitBytes : limits.jsonLimitBytes;
    const refuse = (size: number): Error =>
      size > limits.bodyLimitBytes ? bodyTooLarge(size, limits.bodyLimitBytes) : jsonTooLarge(size, limits.jsonLimitBytes);
    const declared = declaredLength(raw);
    const socket = raw.socket;

    const chunks: Buffer[] = [];
    let received = 0;
    let finished = false;
    const fail = (e: Error) => {
      if (finished) return;
      finished = true;
      chunks.length = 0;
      budget.give(record.bytes);
      record.bytes = 0;
      // Dropped from here on: read (so the connection can serve the next request) but not held.
      this.answeredEarly.add(socket);
      raw.removeListener('data', onData);
      raw.resume();
      raw.once('end', () => this.answeredEarly.delete(socket));
      done(e);
    };
    const onData = (c: Buffer) => {
      received += c.length;
      if (received > limit) return fail(refuse(Math.max(received, declared ?? 0)));
      if (record.gone) return fail(new BadRequestError('the connection closed before the body was read'));
      if (!budget.take(c.length)) return fail(new UnavailableError(budget.refusal()));
      record.bytes += c.length;
      chunks.push(c);
    };
    raw.on('data', onData);
    raw.on('end', () => {
      if (finished) return;
      finished = true;
      done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    });
    raw.on('error', (e) => fail(e));
    // A sender gone mid-body (or cut by the request timeout): nothing more will come.
    raw.on('close', () => { if (!raw.complete) fail(new BadRequestError('the connection closed before the body was complete')); });
    if (declared !== undefined && declared > limit) fail(refuse(declared));
    else if (jsonBytes !== undefined && jsonBytes > limits.jsonLimitBytes) fail(jsonTooLarge(jsonBytes, limits.jsonLimitBytes));
  }

  /**
   * Node's answer to a request it could not read (fastify's `clientErrorHandler`): a v2 error
   * body saying which limit was hit, then the connection closes. Timeouts are 408, headers over
   * Node's 16 KiB are 431, bytes that are not HTTP/1.1 are 400. A request already answered (a
   * refused body still coming in) gets no second reply: its connection just closes.
   */
  readonly clientErrorHandler = (err: Error & { code?: string }, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    if (!socket.writable || this.answeredEarly.has(socket)) {
      socket.destroy();
      return;
    }
    let status = 400;
    let message = `the request is not valid HTTP/1.1 (${err.code ?? err.message})`;
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      message = `the request did not arrive in time: its headers must come within ${this.limits.headersTimeoutMs} ms, all of it within ${this.limits.requestTimeoutMs} ms`;
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      message = 'the request\'s headers are larger than the server takes (16 KiB)';
    }
    const body = JSON.stringify({ error: message });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => socket.destroy());
  };
}
