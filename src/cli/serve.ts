import {
  DEFAULT_BODY_LIMIT_BYTES, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_JSON_LIMIT_BYTES,
  DEFAULT_MAX_CONNECTIONS, DEFAULT_PENDING_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT_MS,
} from '../serve/limits.js';
import { serveModels } from '../serve/serve-models.js';
import { defineCommand } from './command.js';
import { flag, option } from './option-table.js';
import { threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { between, integer, positive, text } from './option-types.js';

const MiB = 1024 * 1024;

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve models (a cut folder: head + tail + browser page) over the KServe v2 protocol',
  usage: 'DIR|MODEL|NAME=MODEL... [options]',
  description: `Serves ONNX models over the KServe v2 / Open Inference Protocol (REST, JSON and binary tensors),
one ONNX Runtime session per model. A folder serves every .onnx in it, named by file stem, so a
cut folder serves "head" and "tail"; with both, GET / is a page that runs the head in the
browser and the tail here. Endpoints: GET /v2, /v2/health/live, /v2/health/ready,
/v2/models/NAME[/versions/V][/ready], POST /v2/models/NAME[/versions/V]/infer, GET /metrics.
With --stream-port, the same inference requests are also taken as frames over persistent TCP
connections (cleave run --server tcp://HOST:PORT): lighter than one HTTP exchange each.
Runs until SIGINT or SIGTERM, then finishes the requests in flight and exits.`,
  args: { min: 1, max: Infinity, says: 'a folder or model files' },
  options: {
    host: option(text, { default: '127.0.0.1', arg: 'H', help: 'address to bind (0.0.0.0 for every interface)' }),
    port: option(integer, { default: 8000, check: between(0, 65535), help: 'port (0 picks a free one)' }),
    'stream-port': option(integer, { check: between(0, 65535), help: 'also serve the stream transport on port N (0 picks a free one)' }),
    'max-body-mb': option(integer, { default: DEFAULT_BODY_LIMIT_BYTES / MiB, check: positive, help: 'largest request body, MiB' }),
    'max-json-mb': option(integer, { default: DEFAULT_JSON_LIMIT_BYTES / MiB, check: positive, help: 'largest JSON part of a request, MiB; send binary tensors past it' }),
    'max-pending-mb': option(integer, { check: positive, help: `request bodies held at once over all connections, MiB; more get a 503 (default ${DEFAULT_PENDING_BODY_BYTES / MiB}, or the body limit if larger)` }),
    'headers-timeout-ms': option(integer, { default: DEFAULT_HEADERS_TIMEOUT_MS, check: positive, help: "a request's headers must arrive within N ms, else 408" }),
    'request-timeout-ms': option(integer, { default: DEFAULT_REQUEST_TIMEOUT_MS, check: positive, help: 'a whole request (or stream frame) must arrive within N ms' }),
    'idle-timeout-ms': option(integer, { default: DEFAULT_IDLE_TIMEOUT_MS, check: positive, help: 'idle connections close after N ms' }),
    'max-connections': option(integer, { default: DEFAULT_MAX_CONNECTIONS, check: positive, help: 'open connections per port; more are closed at once' }),
    'max-batch': option(integer, { check: positive, help: 'dynamic batching: merge concurrent requests up to N rows' }),
    'batch-delay-ms': option(integer, { default: 2, check: positive, help: 'how long a request waits for a batch' }),
    threads: threadsOption,
    dataset: option(text, { default: 'mnist', arg: 'NAME', help: 'test images offered by the page: mnist or fashion-mnist' }),
    'no-page': flag('do not serve the browser page'),
    cors: option(text, { arg: 'ORIGIN', help: 'let browser pages from ORIGIN (or *) call the server' }),
  },
  json: 'print the address and models as one JSON line',
  examples: [
    'cleave serve out/                      # after: cleave cut model.onnx --at T -o out/',
    'cleave serve tail=out/tail.onnx --port 9000 --max-batch 16',
    'cleave serve out/ --stream-port 8001   # then: cleave run --server tcp://127.0.0.1:8001 ...',
    'curl localhost:8000/v2/models/tail',
  ],
  async run({ values: v, positionals }, io) {
    const { server, models, page } = await serveModels(positionals, {
      host: v.host,
      port: v.port,
      ...(v['stream-port'] !== undefined ? { streamPort: v['stream-port'] } : {}),
      bodyLimitBytes: v['max-body-mb'] * MiB,
      jsonLimitBytes: v['max-json-mb'] * MiB,
      ...(v['max-pending-mb'] !== undefined ? { maxPendingBodyBytes: v['max-pending-mb'] * MiB } : {}),
      headersTimeoutMs: v['headers-timeout-ms'],
      requestTimeoutMs: v['request-timeout-ms'],
      idleTimeoutMs: v['idle-timeout-ms'],
      maxConnections: v['max-connections'],
      ...(v['max-batch'] ? { batching: { maxBatch: v['max-batch'], maxDelayMs: v['batch-delay-ms'] } } : {}),
      ...(v.threads ? { threads: v.threads } : {}),
      // Absent: the page comes when a head and a tail are served; --no-page turns it off.
      ...(v['no-page'] ? { page: false } : {}),
      ...(v.cors ? { corsOrigin: v.cors } : {}),
      samples: v.dataset,
    });
    if (v.json) io.stdout(`${JSON.stringify({ url: server.url, models, page: page ?? null, stream: server.streamUrl ?? null })}\n`);
    else {
      io.stdout(`serving ${models.map((m) => `"${m}"`).join(', ')} at ${server.url} (KServe v2 REST)\n`);
      if (server.streamUrl) io.stdout(`stream transport: ${server.streamUrl}\n`);
      if (page) io.stdout(`browser page: ${page}\n`);
      io.stdout('metrics: /metrics; stop with Ctrl-C\n');
    }
    await (io.stop ?? new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
    io.stderr('shutting down: finishing requests in flight\n');
    await server.close();
    return EXIT.OK;
  },
});
