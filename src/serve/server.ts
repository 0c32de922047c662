import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { BadRequestError, CleaveError } from '../errors.js';
import { ModelNotFoundError, UnavailableError } from './errors.js';
import { Metrics } from './metrics.js';
import type { ServedModel } from './served-model.js';
import { type DecodeLimits, HEADER_LENGTH, decodeInferRequest, encodeInferResponse, wantsBinary } from './v2-wire.js';

export interface ServerOptions {
  /** default 127.0.0.1 */
  readonly host?: string;
  /** default 0: any free port */
  readonly port?: number;
  /** largest request body accepted (default 64 MiB); larger bodies get a 413 */
  readonly bodyLimitBytes?: number;
  /** requests processed at once before new ones get a 503 (default 256) */
  readonly maxInflight?: number;
  readonly limits?: DecodeLimits;
  /** at shutdown, how long requests in flight may take before their connections are cut (default 10 s) */
  readonly shutdownGraceMs?: number;
  /**
   * Cross-origin access for browser clients on other origins (an edge page served elsewhere):
   * the allowed origin, or '*'. Off by default.
   */
  readonly corsOrigin?: string;
  /** extra routes (the browser page) registered on the same server */
  readonly routes?: (app: FastifyInstance) => void;
}

export interface RunningServer {
  /** base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly metrics: Metrics;
  /** stops accepting, finishes requests in flight, then releases the models' sessions */
  close(): Promise<void>;
}

export const SERVER_NAME = 'cleave';
export const SERVER_VERSION = '0.1.0';

/** HTTP status for an error: the CleaveError code decides, fastify's own errors keep theirs. */
function statusOf(e: unknown): number {
  if (e instanceof CleaveError) {
    switch (e.code) {
      case 'BAD_REQUEST': case 'DEFLATE_UNAVAILABLE': return 400;
      case 'MODEL_NOT_FOUND': return 404;
      case 'UNAVAILABLE': return 503;
      default: return 500;
    }
  }
  const s = (e as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

function headerLength(req: FastifyRequest): number | undefined {
  const h = req.headers[HEADER_LENGTH];
  if (h === undefined) return undefined;
  const text = Array.isArray(h) ? h.join(',') : h;
  if (!/^\d{1,15}$/.test(text)) throw new BadRequestError(`Inference-Header-Content-Length must be a byte count, got "${text}"`);
  return Number(text);
}

/**
 * A KServe v2 / Open Inference Protocol REST server over fastify, serving several models at
 * once (one ORT session each), with the binary tensor data extension and /metrics.
 */
export async function startServer(models: readonly ServedModel[], options: ServerOptions = {}): Promise<RunningServer> {
  const byName = new Map<string, ServedModel>();
  for (const m of models) {
    if (byName.has(m.name)) throw new BadRequestError(`two models are named "${m.name}"`);
    byName.set(m.name, m);
  }
  const metrics = new Metrics();
  const maxInflight = options.maxInflight ?? 256;
  let closing = false;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024 * 1024,
    // Idle keep-alive connections are closed at shutdown, busy ones finish their request.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  // Bodies are parsed by the v2 decoder (JSON header + binary tensors), whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  if (options.corsOrigin !== undefined) {
    const origin = options.corsOrigin;
    app.addHook('onRequest', async (req, reply) => {
      void reply.header('access-control-allow-origin', origin)
        .header('access-control-expose-headers', 'inference-header-content-length')
        .header('vary', 'origin');
      if (req.method === 'OPTIONS') {
        // Preflight: binary requests carry a custom header and a non-simple content type.
        return reply.code(204)
          .header('access-control-allow-methods', 'GET, POST, OPTIONS')
          .header('access-control-allow-headers', 'content-type, inference-header-content-length')
          .header('access-control-max-age', '600')
          .send();
      }
      return undefined;
    });
  }

  app.setErrorHandler((err, _req, reply) => {
    const status = statusOf(err);
    const text = err instanceof Error ? err.message : String(err);
    const message = err instanceof CleaveError || status < 500 ? text : `internal error: ${text}`;
    void reply.code(status).type('application/json').send({ error: message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no endpoint ${req.method} ${req.url.split('?')[0]}` });
  });

  const find = (name: string, version: string | undefined): ServedModel => {
    const m = byName.get(name);
    if (!m) throw new ModelNotFoundError(`unknown model "${name}"; this server holds ${[...byName.keys()].map((n) => `"${n}"`).join(', ') || 'no models'}`);
    if (version !== undefined && version !== m.version) throw new ModelNotFoundError(`model "${name}" has no version "${version}" (it has ${m.version})`);
    return m;
  };

  app.get('/v2', async () => ({ name: SERVER_NAME, version: SERVER_VERSION, extensions: ['binary_tensor_data'] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_req, reply) => {
    if (closing) return reply.code(503).send({ ready: false });
    return { ready: true };
  });

  type Params = { name: string; version?: string };
  const metadata = async (req: FastifyRequest<{ Params: Params }>) => find(req.params.name, req.params.version).metadata;
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);
  const ready = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const m = find(req.params.name, req.params.version);
    if (closing) return reply.code(503).send({ name: m.name, ready: false });
    return { name: m.name, ready: true };
  };
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);

  const infer = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const started = process.hrtime.bigint();
    const label = byName.has(req.params.name) ? req.params.name : '_unknown';
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    metrics.inflight++;
    try {
      if (closing) throw new UnavailableError('the server is shutting down');
      if (metrics.inflight > maxInflight) throw new UnavailableError(`more than ${maxInflight} requests in flight; retry later`);
      const model = find(req.params.name, req.params.version);
      if (body.length === 0) throw new BadRequestError('the inference request has no body');
      const request = decodeInferRequest(body, headerLength(req), options.limits);
      const response = await model.infer(request);
      const encoded = encodeInferResponse(response, wantsBinary(request));
      if (encoded.headerLength !== undefined) {
        void reply.header('Inference-Header-Content-Length', String(encoded.headerLength)).type('application/octet-stream');
      } else {
        void reply.type('application/json');
      }
      metrics.observe(label, 200, Number(process.hrtime.bigint() - started) / 1e9, body.length);
      return reply.send(Buffer.from(encoded.body.buffer, encoded.body.byteOffset, encoded.body.byteLength));
    } catch (e) {
      metrics.observe(label, statusOf(e), Number(process.hrtime.bigint() - started) / 1e9, body.length);
      metrics.error(label, e instanceof CleaveError ? e.code : 'INTERNAL');
      throw e;
    } finally {
      metrics.inflight--;
    }
  };
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);

  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(metrics.render()));

  options.routes?.(app);

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    app,
    metrics,
    close: () => {
      closed ??= (async () => {
        closing = true;
        for (const m of models) m.flush();
        // Keep-alive connections that go idle after their last reply would hold close() until
        // their timeout: close them as they go idle, and everything after the grace period.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 25);
        const deadline = setTimeout(() => app.server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
          clearTimeout(deadline);
          for (const m of models) await m.release();
        }
      })();
      return closed;
    },
  };
}
