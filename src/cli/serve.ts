import { serveModels } from '../serve/serve-models.js';
import { defineCommand } from './command.js';
import { flag, option } from './option-table.js';
import { threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { between, integer, positive, text } from './option-types.js';

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
    'max-body-mb': option(integer, { default: 64, check: positive, help: 'largest request body, MB' }),
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
      bodyLimitBytes: v['max-body-mb'] * 1024 * 1024,
      ...(v['max-batch'] ? { batching: { maxBatch: v['max-batch'], maxDelayMs: v['batch-delay-ms'] } } : {}),
      ...(v.threads ? { threads: v.threads } : {}),
      page: !v['no-page'],
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
