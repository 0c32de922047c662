import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCodec } from '../compress/codec.js';
import { EdgeClient, type Prediction } from '../edge/client.js';
import { readImageFile } from '../edge/image-file.js';
import { nodeTransport } from '../edge/node-transport.js';
import { loadRunner } from '../edge/node-runtime.js';
import { imageToTensor } from '../edge/pixels.js';
import type { ModelRunner } from '../edge/runtime.js';
import { BadRequestError } from '../errors.js';
import { readModel } from '../onnx/model-file.js';
import { modelSignature } from '../serve/metadata.js';
import { makeBatch } from '../data/batches.js';
import { loadDataset } from '../data/datasets.js';
import { parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { table } from './format.js';
import { type CliIo, printHelp } from './io.js';

export const RUN_HELP = `Usage: cleave run --server URL --head HEAD [options] (IMAGE... | --dataset NAME)

The edge side of a split model: runs HEAD here (ONNX Runtime), encodes the tensor at the cut,
sends it to the tail on a KServe v2 server (cleave serve, Triton, KServe) and prints the
answer. When the server is down, slow or answers garbage, it retries with backoff and then
answers locally: from the head's early exit (--exit-output) or the whole model (--full);
each answer says where it was computed.

Options:
  --server URL          v2 server base URL, e.g. http://127.0.0.1:8000, or the stream
                        port of cleave serve --stream-port, e.g. tcp://127.0.0.1:8001
  --head PATH           head.onnx, or a cut folder holding it
  --model NAME          tail model name on the server (default tail)
  --cut-output NAME     head output to send (default: the first that is not the exit)
  --tail-input NAME     tail input name (default: the head's cut output name)
  --codec C             fp32 (default), fp16, int8, int8-channel[:axis], each optionally +deflate
  --full PATH           whole model for the local fallback
  --exit-output NAME    head output holding an early exit's scores, for the local fallback
  --timeout-ms N        per attempt (default 2000)
  --retries N           attempts after the first (default 2)
  --dataset NAME        classify test images of mnist or fashion-mnist instead of files
  --count N             how many dataset images (default 100)
  --json                print results as JSON
  -h, --help            show this help

Examples:
  cleave run --server http://127.0.0.1:8000 --head out/ digit.png
  cleave run --server http://127.0.0.1:8000 --head out/ --dataset mnist --count 500 --codec int8+deflate
  cleave run --server tcp://127.0.0.1:8001 --head out/ --dataset mnist --count 500
`;

function headPath(p: string): string {
  try {
    return statSync(p).isDirectory() ? join(p, 'head.onnx') : p;
  } catch {
    return p;
  }
}

function nonNegativeInt(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BadRequestError(`--${name} must be a non-negative integer, got "${v}"`);
  return n;
}

export async function runRun(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    server: { type: 'string' },
    head: { type: 'string' },
    model: { type: 'string' },
    'tail-input': { type: 'string' },
    'cut-output': { type: 'string' },
    codec: { type: 'string' },
    full: { type: 'string' },
    'exit-output': { type: 'string' },
    'timeout-ms': { type: 'string' },
    retries: { type: 'string' },
    dataset: { type: 'string' },
    count: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'run');
  if (values.help) return printHelp(io, RUN_HELP);
  if (!values.server) throw new BadRequestError('run needs --server URL; see `cleave run --help`');
  if (!/^(https?|tcp):\/\/[^/]+/.test(values.server)) throw new BadRequestError(`--server must be an http://, https:// or tcp:// URL, got "${values.server}"`);
  if (!values.head) throw new BadRequestError('run needs --head head.onnx (or a cut folder)');
  if (positionals.length === 0 && !values.dataset) throw new BadRequestError('run needs image files or --dataset NAME');
  const hp = headPath(values.head);
  const headProto = readModel(hp);
  const sig = modelSignature(headProto);
  const input = sig.inputs[0];
  if (!input || sig.inputs.length !== 1) throw new BadRequestError(`${hp}: the head must have one image input`);
  const [, channels = 1, height = 28, width = 28] = input.shape;
  const runners: ModelRunner[] = [];
  try {
    const head = await loadRunner(new Uint8Array(readFileSync(hp)));
    runners.push(head);
    const full = values.full ? await loadRunner(new Uint8Array(readFileSync(values.full))) : undefined;
    if (full) runners.push(full);
    const client = new EdgeClient({
      serverUrl: values.server, model: values.model ?? 'tail', head, transport: nodeTransport,
      ...(values['tail-input'] ? { tailInput: values['tail-input'] } : {}),
      ...(values['cut-output'] ? { cutOutput: values['cut-output'] } : {}),
      codec: parseCodec(values.codec ?? 'fp32'),
      retry: { timeoutMs: positiveInt(values['timeout-ms'], 'timeout-ms', 2000), retries: nonNegativeInt(values.retries, 'retries', 2) },
      fallback: { ...(values['exit-output'] ? { exitOutput: values['exit-output'] } : {}), ...(full ? { full } : {}) },
    });
    const items: { name: string; data: Float32Array; truth?: number }[] = [];
    if (values.dataset) {
      const ds = loadDataset(values.dataset, 'test', { limit: positiveInt(values.count, 'count', 100) });
      if (ds.channels !== channels || ds.height !== height || ds.width !== width) throw new BadRequestError(`${values.dataset} images are ${ds.channels}x${ds.height}x${ds.width}; the head takes ${channels}x${height}x${width}`);
      const b = makeBatch(ds, Array.from({ length: ds.count }, (_, i) => i));
      const n = channels * height * width;
      for (let i = 0; i < ds.count; i++) items.push({ name: `${values.dataset}[${i}]`, data: b.x.slice(i * n, (i + 1) * n), truth: ds.labels[i] as number });
    }
    for (const file of positionals) items.push({ name: file, data: imageToTensor(readImageFile(file), channels, height, width) });

    const results: (Prediction & { name: string; truth?: number })[] = [];
    for (const it of items) {
      const p = await client.predict({ [input.name]: { dtype: 'float32', dims: [1, channels, height, width], data: it.data } });
      results.push({ ...p, name: it.name, ...(it.truth !== undefined ? { truth: it.truth } : {}) });
    }
    const labelled = results.filter((r) => r.truth !== undefined);
    const accuracy = labelled.length ? labelled.filter((r) => r.labels[0] === r.truth).length / labelled.length : null;
    const origins: Record<string, number> = {};
    for (const r of results) origins[r.origin] = (origins[r.origin] ?? 0) + 1;
    if (values.json) {
      io.stdout(`${JSON.stringify({
        accuracy, origins, count: results.length,
        results: results.map((r) => ({ name: r.name, label: r.labels[0], truth: r.truth ?? null, origin: r.origin, attempts: r.attempts, bytesSent: r.bytesSent, cutBytes: r.cutBytes, codec: r.codec, timing: r.timing, ...(r.fallbackReason ? { fallbackReason: r.fallbackReason } : {}) })),
      }, null, 2)}\n`);
    } else {
      const shown = results.length > 20 ? results.slice(0, 20) : results;
      io.stdout(table(['input', 'label', 'truth', 'origin', 'bytes', 'head ms', 'net ms', 'total ms'], shown.map((r) => [
        r.name, r.labels[0] ?? -1, r.truth ?? '', r.origin, r.bytesSent, r.timing.headMs.toFixed(2), r.timing.networkMs.toFixed(2), r.timing.totalMs.toFixed(2),
      ])));
      if (results.length > shown.length) io.stdout(`... ${results.length - shown.length} more\n`);
      if (accuracy !== null) io.stdout(`accuracy ${(accuracy * 100).toFixed(2)}% on ${labelled.length} images\n`);
      io.stdout(`answered by: ${Object.entries(origins).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
      const reasons = [...new Set(results.map((r) => r.fallbackReason).filter(Boolean))];
      for (const r of reasons.slice(0, 3)) io.stdout(`fallback because: ${r}\n`);
    }
    return EXIT.OK;
  } finally {
    for (const r of runners) await r.release();
  }
}
