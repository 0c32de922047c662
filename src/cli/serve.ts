import { BadRequestError } from '../errors.js';
import {
  type ConnectionLimits, DEFAULT_BODY_LIMIT_BYTES, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_JSON_LIMIT_BYTES,
  DEFAULT_MAX_CONNECTIONS, DEFAULT_PENDING_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT_MS,
} from '../serve/limits.js';
import { serveModels } from '../serve/serve-models.js';
import { parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { type CliIo, printHelp } from './io.js';

const MiB = 1024 * 1024;

export const SERVE_HELP = `Usage: cleave serve DIR|MODEL|NAME=MODEL... [options]

Serves ONNX models over the KServe v2 / Open Inference Protocol (REST, JSON and binary tensors),
one ONNX Runtime session per model. A folder serves every .onnx in it, named by file stem, so a
cut folder serves "head" and "tail"; with both, GET / is a page that runs the head in the
browser and the tail here. Endpoints: GET /v2, /v2/health/live, /v2/health/ready,
/v2/models/NAME[/versions/V][/ready], POST /v2/models/NAME[/versions/V]/infer, GET /metrics.
With --stream-port, the same inference requests are also taken as frames over persistent TCP
connections (cleave run --server tcp://HOST:PORT): lighter than one HTTP exchange each.
Runs until SIGINT or SIGTERM, then finishes the requests in flight and exits.

Options:
  --host H              address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --port N              port (default 8000; 0 picks a free one)
  --stream-port N       also serve the stream transport on port N (0 picks a free one)
  --max-body-mb N       largest request body (default ${DEFAULT_BODY_LIMIT_BYTES / MiB})
  --max-json-mb N       largest JSON part of a request; send binary tensors past it (default ${DEFAULT_JSON_LIMIT_BYTES / MiB})
  --max-pending-mb N    request bodies held at once over all connections; more get a 503
                        (default ${DEFAULT_PENDING_BODY_BYTES / MiB}, or the body limit if larger)
  --headers-timeout-ms N  a request's headers must arrive within N ms, else 408 (default ${DEFAULT_HEADERS_TIMEOUT_MS})
  --request-timeout-ms N  a whole request (or stream frame) must arrive within N ms (default ${DEFAULT_REQUEST_TIMEOUT_MS})
  --idle-timeout-ms N   idle connections close after N ms (default ${DEFAULT_IDLE_TIMEOUT_MS})
  --max-connections N   open connections per port; more are closed at once (default ${DEFAULT_MAX_CONNECTIONS})
  --max-batch N         dynamic batching: merge concurrent requests up to N rows
  --batch-delay-ms N    how long a request waits for a batch (default 2)
  --threads N           ONNX Runtime intra-op threads per model
  --dataset NAME        test images offered by the page: mnist or fashion-mnist (default mnist)
  --no-page             do not serve the browser page
  --cors ORIGIN         let browser pages from ORIGIN (or *) call the server
  --json                print the address and models as one JSON line
  -h, --help            show this help

Examples:
  cleave serve out/                      # after: cleave cut model.onnx --at T -o out/
  cleave serve tail=out/tail.onnx --port 9000 --max-batch 16
  cleave serve out/ --stream-port 8001   # then: cleave run --server tcp://127.0.0.1:8001 ...
  curl localhost:8000/v2/models/tail
`;

/** The limit flags as library options; absent flags keep the library's defaults. */
function connectionLimits(values: Readonly<Record<string, string | boolean | undefined>>): ConnectionLimits {
  const int = (name: string): number | undefined => {
    const v = values[name];
    return typeof v === 'string' ? positiveInt(v, name, 1) : undefined;
  };
  const mb = (name: string): number | undefined => {
    const n = int(name);
    return n === undefined ? undefined : n * MiB;
  };
  const entries: [keyof ConnectionLimits, number | undefined][] = [
    ['bodyLimitBytes', mb('max-body-mb')], ['jsonLimitBytes', mb('max-json-mb')], ['maxPendingBodyBytes', mb('max-pending-mb')],
    ['headersTimeoutMs', int('headers-timeout-ms')], ['requestTimeoutMs', int('request-timeout-ms')],
    ['idleTimeoutMs', int('idle-timeout-ms')], ['maxConnections', int('max-connections')],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

/** Starts the server and resolves with the exit code once `stop` resolves (default: SIGINT/SIGTERM). */
export async function runServe(argv: readonly string[], io: CliIo, stop?: Promise<unknown>): Promise<number> {
  const { values, positionals } = parse(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    'stream-port': { type: 'string' },
    'max-body-mb': { type: 'string' },
    'max-json-mb': { type: 'string' },
    'max-pending-mb': { type: 'string' },
    'headers-timeout-ms': { type: 'string' },
    'request-timeout-ms': { type: 'string' },
    'idle-timeout-ms': { type: 'string' },
    'max-connections': { type: 'string' },
    'max-batch': { type: 'string' },
    'batch-delay-ms': { type: 'string' },
    threads: { type: 'string' },
    dataset: { type: 'string' },
    'no-page': { type: 'boolean' },
    cors: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'serve');
  if (values.help) return printHelp(io, SERVE_HELP);
  if (positionals.length === 0) throw new BadRequestError('serve needs a folder or model files; see `cleave serve --help`');
  const portOf = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > 65535) throw new BadRequestError(`--${name} must be 0..65535, got "${v}"`);
    return n;
  };
  const port = portOf(values.port, 'port') ?? 8000;
  const streamPort = portOf(values['stream-port'], 'stream-port');
  const maxBatch = values['max-batch'] === undefined ? undefined : positiveInt(values['max-batch'], 'max-batch', 1);
  const { server, models, page } = await serveModels(positionals, {
    host: values.host ?? '127.0.0.1',
    port,
    ...(streamPort !== undefined ? { streamPort } : {}),
    ...connectionLimits(values),
    ...(maxBatch ? { batching: { maxBatch, maxDelayMs: positiveInt(values['batch-delay-ms'], 'batch-delay-ms', 2) } } : {}),
    ...(values.threads ? { threads: positiveInt(values.threads, 'threads', 1) } : {}),
    // Absent: the page comes when a head and a tail are served; --no-page turns it off.
    ...(values['no-page'] ? { page: false } : {}),
    ...(values.cors ? { corsOrigin: values.cors } : {}),
    ...(values.dataset ? { samples: values.dataset } : {}),
  });
  if (values.json) io.stdout(`${JSON.stringify({ url: server.url, models, page: page ?? null, stream: server.streamUrl ?? null })}\n`);
  else {
    io.stdout(`serving ${models.map((m) => `"${m}"`).join(', ')} at ${server.url} (KServe v2 REST)\n`);
    if (server.streamUrl) io.stdout(`stream transport: ${server.streamUrl}\n`);
    if (page) io.stdout(`browser page: ${page}\n`);
    io.stdout('metrics: /metrics; stop with Ctrl-C\n');
  }
  const signals = stop ?? new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await signals;
  io.stderr('shutting down: finishing requests in flight\n');
  await server.close();
  return EXIT.OK;
}
