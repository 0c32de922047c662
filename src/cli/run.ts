import { readFileSync } from 'node:fs';
import { parseCodec } from '../compress/codec.js';
import { cutHalfPath } from '../cut/write.js';
import { EdgeClient } from '../edge/client.js';
import { readImageFile } from '../edge/image-file.js';
import { nodeTransport } from '../edge/node-transport.js';
import { loadRunner } from '../edge/node-runtime.js';
import { imageToTensor } from '../edge/pixels.js';
import { type NamedInput, predictEach, predictionReport } from '../edge/predict-each.js';
import type { ModelRunner } from '../edge/runtime.js';
import { BadRequestError } from '../errors.js';
import { readModel } from '../onnx/model-file.js';
import { modelSignature } from '../serve/metadata.js';
import { makeBatch } from '../data/batches.js';
import { loadDataset } from '../data/datasets.js';
import { defineCommand } from './command.js';
import { option } from './option-table.js';
import { EXIT } from './exit-codes.js';
import { table } from './format.js';
import { printJson } from './io.js';
import { atLeast, integer, matches, positive, text } from './option-types.js';

/** Test images of a dataset as inputs of shape [channels, height, width], labelled. */
function datasetInputs(name: string, count: number, chw: readonly [number, number, number]): NamedInput[] {
  const ds = loadDataset(name, 'test', { limit: count });
  if ([ds.channels, ds.height, ds.width].join('x') !== chw.join('x')) throw new BadRequestError(`${name} images are ${ds.channels}x${ds.height}x${ds.width}; the head takes ${chw.join('x')}`);
  const b = makeBatch(ds, Array.from({ length: ds.count }, (_, i) => i));
  const n = chw[0] * chw[1] * chw[2];
  return Array.from({ length: ds.count }, (_, i) => ({ name: `${name}[${i}]`, data: b.x.slice(i * n, (i + 1) * n), truth: ds.labels[i] as number }));
}

export const runCommand = defineCommand({
  name: 'run',
  summary: 'edge client: head here, tail on a v2 server, local fallback when it fails',
  usage: '--server URL --head HEAD [options] (IMAGE... | --dataset NAME)',
  description: `The edge side of a split model: runs HEAD here (ONNX Runtime), encodes the tensor at the cut,
sends it to the tail on a KServe v2 server (cleave serve, Triton, KServe) and prints the
answer. When the server is down, slow or answers garbage, it retries with backoff and then
answers locally: from the head's early exit (--exit-output) or the whole model (--full);
each answer says where it was computed.`,
  args: { min: 0, max: Infinity, says: 'image files' },
  options: {
    server: option(text, { required: true, check: matches(/^(https?|tcp):\/\/[^/]+/, 'an http://, https:// or tcp:// URL'), arg: 'URL', help: 'v2 server base URL, e.g. http://127.0.0.1:8000, or the stream port of cleave serve --stream-port, e.g. tcp://127.0.0.1:8001' }),
    head: option(text, { required: true, arg: 'PATH', help: 'head.onnx, or a cut folder holding it' }),
    model: option(text, { default: 'tail', arg: 'NAME', help: 'tail model name on the server' }),
    'cut-output': option(text, { arg: 'NAME', help: 'head output to send (default: the first that is not the exit)' }),
    'tail-input': option(text, { arg: 'NAME', help: "tail input name (default: the head's cut output name)" }),
    codec: option(text, { default: 'fp32', arg: 'C', help: 'fp32, fp16, int8, int8-channel[:axis], each optionally +deflate' }),
    full: option(text, { arg: 'PATH', help: 'whole model for the local fallback' }),
    'exit-output': option(text, { arg: 'NAME', help: "head output holding an early exit's scores, for the local fallback" }),
    'timeout-ms': option(integer, { default: 2000, check: positive, help: 'per attempt' }),
    retries: option(integer, { default: 2, check: atLeast(0), help: 'attempts after the first' }),
    dataset: option(text, { arg: 'NAME', help: 'classify test images of mnist or fashion-mnist instead of files' }),
    count: option(integer, { default: 100, check: positive, help: 'how many dataset images' }),
  },
  json: 'print results as JSON',
  examples: [
    'cleave run --server http://127.0.0.1:8000 --head out/ digit.png',
    'cleave run --server http://127.0.0.1:8000 --head out/ --dataset mnist --count 500 --codec int8+deflate',
    'cleave run --server tcp://127.0.0.1:8001 --head out/ --dataset mnist --count 500',
  ],
  async run({ values: v, positionals }, io) {
    if (positionals.length === 0 && !v.dataset) throw new BadRequestError('run needs image files or --dataset NAME');
    const hp = cutHalfPath(v.head, 'head');
    const input = modelSignature(readModel(hp)).inputs;
    if (input.length !== 1 || !input[0]) throw new BadRequestError(`${hp}: the head must have one image input`);
    const [, channels = 1, height = 28, width = 28] = input[0].shape;
    const codec = parseCodec(v.codec);
    const runners: ModelRunner[] = [];
    try {
      const head = await loadRunner(new Uint8Array(readFileSync(hp)));
      runners.push(head);
      const full = v.full ? await loadRunner(new Uint8Array(readFileSync(v.full))) : undefined;
      if (full) runners.push(full);
      const client = new EdgeClient({
        serverUrl: v.server, model: v.model, head, transport: nodeTransport, codec,
        ...(v['tail-input'] ? { tailInput: v['tail-input'] } : {}),
        ...(v['cut-output'] ? { cutOutput: v['cut-output'] } : {}),
        retry: { timeoutMs: v['timeout-ms'], retries: v.retries },
        fallback: { ...(v['exit-output'] ? { exitOutput: v['exit-output'] } : {}), ...(full ? { full } : {}) },
      });
      const items = [
        ...(v.dataset ? datasetInputs(v.dataset, v.count, [channels, height, width]) : []),
        ...positionals.map((file) => ({ name: file, data: imageToTensor(readImageFile(file), channels, height, width) })),
      ];
      const report = predictionReport(await predictEach(client, input[0].name, [channels, height, width], items));
      if (v.json) {
        printJson(io, report);
        return EXIT.OK;
      }
      const shown = report.results.slice(0, 20);
      io.stdout(table(['input', 'label', 'truth', 'origin', 'bytes', 'head ms', 'net ms', 'total ms'], shown.map((r) => [
        r.name, r.label ?? -1, r.truth ?? '', r.origin, r.bytesSent, r.timing.headMs.toFixed(2), r.timing.networkMs.toFixed(2), r.timing.totalMs.toFixed(2),
      ])));
      if (report.count > shown.length) io.stdout(`... ${report.count - shown.length} more\n`);
      if (report.accuracy !== null) io.stdout(`accuracy ${(report.accuracy * 100).toFixed(2)}% on ${report.results.filter((r) => r.truth !== null).length} images\n`);
      io.stdout(`answered by: ${Object.entries(report.origins).map(([k, o]) => `${k} ${o}`).join(', ')}\n`);
      const reasons = [...new Set(report.results.map((r) => r.fallbackReason).filter(Boolean))];
      for (const r of reasons.slice(0, 3)) io.stdout(`fallback because: ${r}\n`);
      return EXIT.OK;
    } finally {
      for (const r of runners) await r.release();
    }
  },
});
