/**
 * A deployment run as its plan says (`cleave run --plan DIR/plan.json`): the edge client set up
 * from the deployment's edge.json (head, codec, cut, exits and thresholds, tail), the images of
 * the plan's data set (the same first images the plan measured on), one warm-up request not
 * counted (the plan predicts a warm client), then every image in turn, and what was measured
 * beside what the plan predicted (package/measured.ts).
 */
import { readFileSync } from 'node:fs';
import { parseCodec } from '../compress/codec.js';
import { makeBatch } from '../data/batches.js';
import { loadDataset } from '../data/datasets.js';
import { sliceImages } from '../data/image-dataset.js';
import { BadRequestError, ioFailure } from '../errors.js';
import { decodeModel } from '../onnx/codec.js';
import type { Deployment } from '../package/deployment.js';
import { comparePlan, type PlanComparison } from '../package/measured.js';
import { graphFromModel } from '../graph/graph.js';
import { modelInputChw } from '../interpret/isplit-data.js';
import { EdgeClient, type EdgeClientOptions, type RetryPolicy } from './client.js';
import { loadRunner } from './node-runtime.js';
import { nodeTransport } from './node-transport.js';
import { type NamedInput, predictEach, type PredictionReport, predictionReport } from './predict-each.js';
import type { ModelRunner } from './runtime.js';

/** Test images of a dataset as inputs of shape [channels, height, width], labelled. */
export function datasetInputs(name: string, count: number, chw: readonly [number, number, number], from = 0): NamedInput[] {
  const ds = sliceImages(loadDataset(name, 'test', { limit: from + count }), from, count);
  if ([ds.channels, ds.height, ds.width].join('x') !== chw.join('x')) throw new BadRequestError(`${name} images are ${ds.channels}x${ds.height}x${ds.width}; the head takes ${chw.join('x')}`);
  const b = makeBatch(ds, Array.from({ length: ds.count }, (_, i) => i));
  const n = chw[0] * chw[1] * chw[2];
  return Array.from({ length: ds.count }, (_, i) => ({ name: `${name}[${from + i}]`, data: b.x.slice(i * n, (i + 1) * n), truth: ds.labels[i]! })); // i < ds.count, one label each
}

/** The edge client's settings a deployment's edge config gives (all but the head runner and the transport). */
export function deploymentClientOptions(d: Deployment, serverUrl?: string): Omit<EdgeClientOptions, 'head'> {
  const cut = d.config.cuts[0];
  return {
    serverUrl: serverUrl ?? d.config.server, model: cut.model, codec: parseCodec(d.config.codec),
    cutOutput: cut.cutOutput, tailInput: cut.tailInput, tailOutput: cut.tailOutput,
    exits: d.config.exits.map((e) => ({ output: e.output, threshold: e.threshold })), exitPolicy: d.config.policy,
  };
}

/** The head's one image input: its name and [channels, height, width]. */
export function headInput(headBytes: Uint8Array, where: string): { name: string; chw: [number, number, number] } {
  const model = decodeModel(headBytes);
  const name = graphFromModel(model).inputs[0]?.name;
  try {
    if (name === undefined) throw new BadRequestError('it has no input');
    return { name, chw: modelInputChw(model) };
  } catch (e) {
    if (e instanceof BadRequestError) throw new BadRequestError(`${where}: the head must have one image input [N, C, H, W] (${e.message})`);
    throw e;
  }
}

export interface RunDeploymentOptions {
  /** the server (default: the edge config's) */
  readonly serverUrl?: string;
  /** the inputs (default: the plan's data set, its first `images`, when it is mnist or fashion-mnist) */
  readonly inputs?: readonly NamedInput[];
  /** how many of the plan's images (default the plan's count) */
  readonly count?: number;
  readonly retry?: RetryPolicy;
  /** the whole model, for the local fallback */
  readonly full?: ModelRunner;
}

export interface DeploymentRun {
  readonly report: PredictionReport;
  readonly comparison: PlanComparison;
}

/** Runs a deployment's edge side against its server and compares with the plan. */
export async function runDeployment(d: Deployment, o: RunDeploymentOptions = {}): Promise<DeploymentRun> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(d.headPath));
  } catch (e) {
    throw ioFailure(`cannot read the head ${d.headPath}`, e);
  }
  const input = headInput(bytes, d.headPath);
  const data = d.plan.accuracy.data;
  let inputs = o.inputs;
  if (!inputs) {
    if (data !== 'mnist' && data !== 'fashion-mnist') throw new BadRequestError(`the plan's accuracy was ${data === undefined ? 'not measured' : `measured on ${data}`}; give the images to run`);
    inputs = datasetInputs(data, o.count ?? d.plan.accuracy.images ?? 100, input.chw);
  }
  const head = await loadRunner(bytes);
  try {
    const client = new EdgeClient({
      ...deploymentClientOptions(d, o.serverUrl), head, transport: nodeTransport,
      ...(o.retry ? { retry: o.retry } : {}), ...(o.full ? { fallback: { full: o.full } } : {}),
    });
    if (inputs[0]) await predictEach(client, input.name, input.chw, [inputs[0]]);
    const report = predictionReport(await predictEach(client, input.name, input.chw, inputs));
    const comparison = comparePlan(d.config, report.results.map((r) => ({
      origin: r.origin, totalMs: r.timing.totalMs, cutBytes: r.cutBytes, requestBytes: r.bytesSent, correct: r.truth === null ? null : r.label === r.truth,
    })));
    return { report, comparison };
  } finally {
    await head.release();
  }
}
