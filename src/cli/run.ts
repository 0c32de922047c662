import { readFileSync } from 'node:fs';
import { parseCodec } from '../compress/codec.js';
import { cutHalfPath } from '../cut/write.js';
import { EdgeClient } from '../edge/client.js';
import { readImageFile } from '../edge/image-file.js';
import { nodeTransport } from '../edge/node-transport.js';
import { loadRunner } from '../edge/node-runtime.js';
import { imageToTensor } from '../edge/pixels.js';
import { datasetInputs, headInput, runDeployment } from '../edge/plan-run.js';
import { type NamedInput, predictEach, predictionReport } from '../edge/predict-each.js';
import type { ModelRunner } from '../edge/runtime.js';
import { BadRequestError } from '../errors.js';
import { readDeployment } from '../package/deployment.js';
import type { PlanComparison } from '../package/measured.js';
import { defineCommand } from './command.js';
import { option } from './option-table.js';
import { EXIT } from './exit-codes.js';
import { table } from './format.js';
import { printJson } from './io.js';
import { atLeast, integer, matches, positive, text } from './option-types.js';

const figure = (x: number | null, digits = 2): string => (x === null ? 'unbounded' : x.toFixed(digits));
const percent = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

/** Measured against predicted, one row per figure. */
export function comparisonText(c: PlanComparison): string {
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
    const retry = { timeoutMs: v['timeout-ms'], retries: v.retries };
    const images = (chw: readonly [number, number, number], dataset: string | undefined, count: number, from = 0): NamedInput[] => [
      ...(dataset ? datasetInputs(dataset, count, chw, from) : []),
      ...positionals.map((file) => ({ name: file, data: imageToTensor(readImageFile(file), chw[0], chw[1], chw[2]) })),
    ];
    const loadFull = async (): Promise<ModelRunner | undefined> => (v.full ? loadRunner(new Uint8Array(readFileSync(v.full))) : undefined);
    if (v.plan !== undefined) {
      const deployment = readDeployment(v.plan);
      const given = (['head', 'model', 'codec', 'cut-output', 'tail-input', 'exit-output'] as const).filter((k) => v[k] !== undefined);
      if (given.length) throw new BadRequestError(`--plan configures the client from ${v.plan} and its edge.json; drop --${given.join(', --')}`);
      const data = deployment.plan.accuracy.data;
      const dataset = v.dataset ?? ((data === 'mnist' || data === 'fashion-mnist') && positionals.length === 0 ? data : undefined);
      const count = v.count ?? (v.dataset === undefined ? deployment.plan.accuracy.images : undefined) ?? 100;
      if (positionals.length === 0 && !dataset) throw new BadRequestError('run needs image files or --dataset NAME');
      const { chw } = headInput(new Uint8Array(readFileSync(deployment.headPath)), deployment.headPath);
      const full = await loadFull();
      try {
        // The plan's own images (from its first), unless others are asked for.
        const from = v.dataset === undefined && v.count === undefined ? deployment.plan.accuracy.from ?? 0 : 0;
        const { comparison } = await runDeployment(deployment, { inputs: images(chw, dataset, count, from), retry, ...(v.server ? { serverUrl: v.server } : {}), ...(full ? { full } : {}) });
        if (v.json) printJson(io, { plan: v.plan, server: v.server ?? deployment.config.server, ...comparison });
        else io.stdout(comparisonText(comparison));
        return EXIT.OK;
      } finally {
        await full?.release();
      }
    }
    if (v.server === undefined || v.head === undefined) throw new BadRequestError('run needs --server URL and --head HEAD, or --plan DIR/plan.json');
    const dataset = v.dataset;
    if (positionals.length === 0 && !dataset) throw new BadRequestError('run needs image files or --dataset NAME');
    const hp = cutHalfPath(v.head, 'head');
    const headBytes = new Uint8Array(readFileSync(hp));
    const input = headInput(headBytes, hp);
    const runners: ModelRunner[] = [];
    try {
      const head = await loadRunner(headBytes);
      runners.push(head);
      const full = await loadFull();
      if (full) runners.push(full);
      const client = new EdgeClient({
        serverUrl: v.server, model: v.model ?? 'tail', head, transport: nodeTransport, codec: parseCodec(v.codec ?? 'fp32'),
        ...(v['tail-input'] ? { tailInput: v['tail-input'] } : {}),
        ...(v['cut-output'] ? { cutOutput: v['cut-output'] } : {}),
        retry,
        fallback: { ...(v['exit-output'] ? { exitOutput: v['exit-output'] } : {}), ...(full ? { full } : {}) },
      });
      const report = predictionReport(await predictEach(client, input.name, input.chw, images(input.chw, dataset, v.count ?? 100)));
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
