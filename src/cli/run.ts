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
import { type Deployment, readDeployment } from '../package/deployment.js';
import { comparePlan, type PlanComparison } from '../package/measured.js';
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

/** The client's settings from a deployment's edge config (run --plan). */
function planSettings(d: Deployment) {
  const cut = d.config.cuts[0];
  return {
    head: d.headPath, model: cut.model, codec: d.config.codec, cutOutput: cut.cutOutput, tailInput: cut.tailInput, tailOutput: cut.tailOutput,
    exits: d.config.exits.map((e) => ({ output: e.output, threshold: e.threshold })), exitPolicy: d.config.policy,
  };
}

const figure = (x: number | null, digits = 2): string => (x === null ? 'unbounded' : x.toFixed(digits));
const percent = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

/** Measured against predicted, one row per figure. */
function comparisonText(c: PlanComparison): string {
  const { predicted: p, measured: m } = c;
  return `${c.entry}
${table(['', 'predicted', 'measured'], [
    ['latency p50 ms', figure(p.latencyMs), figure(m.latencyMs)],
    ['latency p99 ms', figure(p.p99Ms), figure(m.p99Ms)],
    ['bytes per inference', figure(p.bytes, 1), figure(m.bytes, 1)],
    ['sent', percent(p.uploadFraction), percent(m.uploadFraction)],
    ['accuracy', `${percent(p.accuracy)} (${p.accuracySource})`, m.accuracy === null ? '- (no labels)' : `${percent(m.accuracy)} on ${m.labelled}`],
  ])}predicted: ${c.device} over ${c.network} (latency ${p.latencySource}); measured: this machine and link, ${m.inferences} inferences (${Object.entries(m.origins).map(([k, n]) => `${k} ${n}`).join(', ')})\n`;
}

export const runCommand = defineCommand({
  name: 'run',
  summary: 'edge client: head here, tail on a v2 server, local fallback when it fails',
  usage: '(--server URL --head HEAD | --plan DIR/plan.json) [options] (IMAGE... | --dataset NAME)',
  description: `The edge side of a split model: runs HEAD here (ONNX Runtime), encodes the tensor at the cut,
sends it to the tail on a KServe v2 server (cleave serve, Triton, KServe) and prints the
answer. When the server is down, slow or answers garbage, it retries with backoff and then
answers locally: from the head's early exit (--exit-output) or the whole model (--full);
each answer says where it was computed. With --plan DIR/plan.json (a folder written by cleave
deploy), the head, codec, exits, tail and server come from DIR/edge.json, the images from the
plan's data set, and the run prints its latency (p50, p99), bytes per inference, share sent and
accuracy beside the plan's predictions (after one warm-up request, not counted).`,
  args: { min: 0, max: Infinity, says: 'image files' },
  options: {
    plan: option(text, { arg: 'PATH', help: 'a deployment\'s plan.json (cleave deploy): configure from it and compare with it' }),
    server: option(text, { check: matches(/^(https?|tcp):\/\/[^/]+/, 'an http://, https:// or tcp:// URL'), arg: 'URL', help: 'v2 server base URL, e.g. http://127.0.0.1:8000, or the stream port of cleave serve --stream-port, e.g. tcp://127.0.0.1:8001' }),
    head: option(text, { arg: 'PATH', help: 'head.onnx, or a cut folder holding it' }),
    model: option(text, { arg: 'NAME', help: 'tail model name on the server (default tail)' }),
    'cut-output': option(text, { arg: 'NAME', help: 'head output to send (default: the first that is not the exit)' }),
    'tail-input': option(text, { arg: 'NAME', help: "tail input name (default: the head's cut output name)" }),
    codec: option(text, { arg: 'C', help: 'fp32 (default), fp16, int8, int8-channel[:axis], each optionally +deflate' }),
    full: option(text, { arg: 'PATH', help: 'whole model for the local fallback' }),
    'exit-output': option(text, { arg: 'NAME', help: "head output holding an early exit's scores, for the local fallback" }),
    'timeout-ms': option(integer, { default: 2000, check: positive, help: 'per attempt' }),
    retries: option(integer, { default: 2, check: atLeast(0), help: 'attempts after the first' }),
    dataset: option(text, { arg: 'NAME', help: "classify test images of mnist or fashion-mnist instead of files (with --plan: the plan's data)" }),
    count: option(integer, { check: positive, help: "how many dataset images (default 100; with --plan the plan's)" }),
  },
  json: 'print results as JSON',
  examples: [
    'cleave run --server http://127.0.0.1:8000 --head out/ digit.png',
    'cleave run --server http://127.0.0.1:8000 --head out/ --dataset mnist --count 500 --codec int8+deflate',
    'cleave run --server tcp://127.0.0.1:8001 --head out/ --dataset mnist --count 500',
    'cleave run --plan deploy/plan.json            # after: cleave deploy plan.json -o deploy/ && cleave serve deploy/',
  ],
  async run({ values: v, positionals }, io) {
    const deployment = v.plan === undefined ? undefined : readDeployment(v.plan);
    if (deployment) {
      const given = (['head', 'model', 'codec', 'cut-output', 'tail-input', 'exit-output'] as const).filter((k) => v[k] !== undefined);
      if (given.length) throw new BadRequestError(`--plan configures the client from ${v.plan} and its edge.json; drop --${given.join(', --')}`);
    } else if (v.server === undefined || v.head === undefined) throw new BadRequestError('run needs --server URL and --head HEAD, or --plan DIR/plan.json');
    const fromPlan = deployment && planSettings(deployment);
    const data = deployment?.plan.accuracy.data;
    const dataset = v.dataset ?? (fromPlan && (data === 'mnist' || data === 'fashion-mnist') && positionals.length === 0 ? data : undefined);
    const count = v.count ?? (fromPlan && v.dataset === undefined ? deployment?.plan.accuracy.images : undefined) ?? 100;
    if (positionals.length === 0 && !dataset) throw new BadRequestError('run needs image files or --dataset NAME');
    const hp = fromPlan?.head ?? cutHalfPath(v.head as string, 'head');
    const input = modelSignature(readModel(hp)).inputs;
    if (input.length !== 1 || !input[0]) throw new BadRequestError(`${hp}: the head must have one image input`);
    const [, channels = 1, height = 28, width = 28] = input[0].shape;
    const codec = parseCodec(fromPlan?.codec ?? v.codec ?? 'fp32');
    const runners: ModelRunner[] = [];
    try {
      const head = await loadRunner(new Uint8Array(readFileSync(hp)));
      runners.push(head);
      const full = v.full ? await loadRunner(new Uint8Array(readFileSync(v.full))) : undefined;
      if (full) runners.push(full);
      const client = new EdgeClient({
        serverUrl: v.server ?? (deployment?.config.server as string), model: fromPlan?.model ?? v.model ?? 'tail', head, transport: nodeTransport, codec,
        ...(fromPlan ? { cutOutput: fromPlan.cutOutput, tailInput: fromPlan.tailInput, tailOutput: fromPlan.tailOutput, exits: fromPlan.exits, exitPolicy: fromPlan.exitPolicy } : {}),
        ...(v['tail-input'] ? { tailInput: v['tail-input'] } : {}),
        ...(v['cut-output'] ? { cutOutput: v['cut-output'] } : {}),
        retry: { timeoutMs: v['timeout-ms'], retries: v.retries },
        fallback: { ...(v['exit-output'] ? { exitOutput: v['exit-output'] } : {}), ...(full ? { full } : {}) },
      });
      const items = [
        ...(dataset ? datasetInputs(dataset, count, [channels, height, width]) : []),
        ...positionals.map((file) => ({ name: file, data: imageToTensor(readImageFile(file), channels, height, width) })),
      ];
      // A warm-up request (sessions, connection), not counted: the plan predicts a warm client.
      if (deployment && items[0]) await predictEach(client, input[0].name, [channels, height, width], [items[0]]);
      const report = predictionReport(await predictEach(client, input[0].name, [channels, height, width], items));
      const comparison = deployment && comparePlan(deployment.config, report.results.map((r) => ({
        origin: r.origin, totalMs: r.timing.totalMs, cutBytes: r.cutBytes, requestBytes: r.bytesSent, correct: r.truth === null ? null : r.label === r.truth,
      })));
      if (v.json) {
        printJson(io, comparison ? { plan: v.plan, server: v.server ?? deployment?.config.server, ...comparison } : report);
        return EXIT.OK;
      }
      if (comparison) {
        io.stdout(comparisonText(comparison));
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
