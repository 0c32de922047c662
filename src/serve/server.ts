import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { BadRequestError } from '../errors.js';
import { InferCore, errorMessage, statusOf } from './infer-core.js';
import { Metrics } from './metrics.js';
import type { ServedModel } from './served-model.js';
import { HttpLimits, headerLength } from './http-limits.js';
import { BodyBudget, type ConnectionLimits, resolveLimits } from './limits.js';
import { type RunningStreamServer, startStreamServer } from './stream-server.js';
import type { DecodeLimits } from '../protocol/v2-wire.js';
import { VERSION } from '../version.js';

export interface ServerOptions extends ConnectionLimits {
  /** default 127.0.0.1 */
  readonly host?: string;
  /** default 0: any free port */
  readonly port?: number;
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
  /**
   * Also accept inference requests as frames over persistent TCP connections on this port (0:
   * any free port): cleave's stream transport, lighter than one HTTP exchange per request. Off
   * when absent.
   */
  readonly streamPort?: number;
}

export interface RunningServer {
  /** base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly metrics: Metrics;
  /** the stream transport's URL (tcp://host:port), when `streamPort` was given */
  readonly streamUrl?: string;
  /** stops accepting, finishes requests in flight, then releases the models' sessions */
  close(): Promise<void>;
}

export const SERVER_NAME = 'cleave';
export const SERVER_VERSION = VERSION;

/**
 * A KServe v2 / Open Inference Protocol REST server over fastify, serving several models at
 * once (one ORT session each), with the binary tensor data extension and /metrics.
 */
export async function startServer(models: readonly ServedModel[], options: ServerOptions = {}): Promise<RunningServer> {
  const limits = resolveLimits(options);
  const budget = new BodyBudget(limits.maxPendingBodyBytes);
  const metrics = new Metrics(() => budget.heldBytes);
  const httpLimits = new HttpLimits(limits, budget);
  const core = new InferCore(models, metrics, options.maxInflight ?? 256, options.limits, limits.jsonLimitBytes);
  const app = Fastify({
    logger: false,
    bodyLimit: limits.bodyLimitBytes,
    // Node answers 408 and closes a connection whose headers, or whole request, are late;
    // it looks every `connectionsCheckingInterval` (30 s by default: far too coarse here).
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
      // Node answers a missing Host with a bare 400; the hook below gives it a v2 error body.
      requireHostHeader: false,
    },
    // Idle keep-alive connections are closed at shutdown, busy ones finish their request.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    clientErrorHandler: httpLimits.clientErrorHandler,
  });
  // Connections past the cap are closed as soon as they are accepted.
  app.server.maxConnections = limits.maxConnections;
  httpLimits.install(app);
  app.addHook('onRequest', async (req) => {
    if (req.headers.host === undefined && req.raw.httpVersion === '1.1') throw new BadRequestError('an HTTP/1.1 request needs a Host header');
  });

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
    void reply.code(status).type('application/json').send({ error: errorMessage(err, status) });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: `no endpoint ${req.method} ${req.url.split('?')[0]}` });
  });

  app.get('/v2', async () => ({ name: SERVER_NAME, version: SERVER_VERSION, extensions: ['binary_tensor_data'] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_req, reply) => {
    if (core.closing) return reply.code(503).send({ ready: false });
    return { ready: true };
  });

  type Params = { name: string; version?: string };
  const metadata = async (req: FastifyRequest<{ Params: Params }>) => core.find(req.params.name, req.params.version).metadata;
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);
  const ready = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const m = core.find(req.params.name, req.params.version);
    if (core.closing) return reply.code(503).send({ name: m.name, ready: false });
    return { name: m.name, ready: true };
  };
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);

  const infer = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const r = await core.infer(req.params.name, req.params.version, body, () => headerLength(req));
    if (r.headerLength !== undefined) void reply.header('Inference-Header-Content-Length', String(r.headerLength));
    void reply.code(r.status).type(r.headerLength !== undefined ? 'application/octet-stream' : 'application/json');
    return reply.send(Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength));
  };
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);

  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(metrics.render()));

  options.routes?.(app);

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  let stream: RunningStreamServer | undefined;
  try {
    if (options.streamPort !== undefined) stream = await startStreamServer(core, { host, port: options.streamPort, limits, budget });
  } catch (e) {
    await app.close();
    throw e;
  }
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    app,
    metrics,
    ...(stream ? { streamUrl: stream.url } : {}),
    close: () => {
      closed ??= (async () => {
        core.closing = true;
        for (const m of models) m.flush();
        // Keep-alive connections that go idle after their last reply would hold close() until
        // their timeout: close them as they go idle, and everything after the grace period.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 25);
        const deadline = setTimeout(() => app.server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        try {
          await Promise.all([app.close(), stream?.close(options.shutdownGraceMs ?? 10_000)]);
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
