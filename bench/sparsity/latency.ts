/**
 * bench/sparsity/latency: ONNX Runtime latency of the forms of the same layers, at densities
 * 1/2, 1/4 and 1/8, per layer and for a whole head of the small VGG (28x28, Fashion-MNIST's
 * shape):
 *   dense         the model as built;
 *   masked-dense  the masked weights stored dense (zeros in them): what Dey et al.'s code runs;
 *   compact       packed kept weights + a bit mask, expanded by a subgraph ORT folds at load;
 *   structured    grouped Convs / block-diagonal MatMuls; each input permutation folded into
 *                 the dense layer before where there is one (head), else a Gather;
 *   gather        (head) structured with every permutation left a Gather: what the fold saves;
 *   grouped       (layer) the grouped layer without its Gather: what a folded layer runs.
 * Per form: the file bytes (and, for the masked model, the bytes as ONNX sparse_initializer),
 * MFLOPs counted from nonzeros, and the median latency of one inference. The forms run
 * interleaved, one run each per round, so load from other processes on this shared machine
 * stretches all of them alike; p10 is given beside the median.
 * Prints tables; writes bench/results/sparsity-latency.json.
 *
 *   npm run build && node build/bench/sparsity/latency.js [--repeats R] [--threads T]
 *     [--batch B] [--cut TENSOR] [--width W] [--seed S] [--quick]
 */
import { parseArgs } from 'node:util';
import { type Analysis, analyze } from '../../src/analysis/analyze.js';
import { table } from '../../src/cli/format.js';
import { cutModel } from '../../src/cut/extract.js';
import { CleaveError } from '../../src/errors.js';
import { valueInfo } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import type { ModelProto, TensorProto } from '../../src/onnx/types.js';
import { randomFeeds } from '../../src/runtime/random-feeds.js';
import { densify } from '../../src/sparsity/densify.js';
import { formatDensity } from '../../src/sparsity/degrees.js';
import { presentRecords } from '../../src/sparsity/metadata.js';
import { withSparseInitializers } from '../../src/sparsity/sparse-initializer.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { countedFlops, fileBytes, load1m, machine, machineLine, positiveInt, timeModels, writeResult } from './shared.js';

const USAGE = `Usage: node build/bench/sparsity/latency.js [options]
  --repeats R   timed rounds per form (default 200; 40 with --quick)
  --threads T   ORT intra-op threads (default 1)
  --batch B     batch size (default 1)
  --cut T       the head ends at tensor T of the small VGG (default block3.pool)
  --width W     small VGG width multiplier (default 1: 32/64/128 channels)
  --seed S      mask seed (default 1)
  --quick       fewer rounds, density 1/4 only (a smoke run)
  --help        this text
Writes bench/results/sparsity-latency.json.`;

const { values } = parseArgs({
  options: {
    repeats: { type: 'string' }, threads: { type: 'string', default: '1' }, batch: { type: 'string', default: '1' },
    cut: { type: 'string', default: 'block3.pool' }, width: { type: 'string', default: '1' }, seed: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = values.quick ?? false;
const repeats = positiveInt(values.repeats ?? (quick ? '40' : '200'), 'repeats', USAGE);
const threads = positiveInt(values.threads, 'threads', USAGE);
const batch = positiveInt(values.batch, 'batch', USAGE);
const seed = positiveInt(values.seed, 'seed', USAGE, 0);
const width = Number(values.width);
const cut = values.cut as string;
const DENSITIES = quick ? [1 / 4] : [1 / 2, 1 / 4, 1 / 8];

type Form = 'dense' | 'masked-dense' | 'compact' | 'structured' | 'gather' | 'grouped';

/** A model of one layer of `model`: its input at the analysed shape, the node, its weights. */
function layerModel(model: ModelProto, analysis: Analysis, name: string): ModelProto {
  const graph = analysis.dataflow.graph;
  const node = graph.nodes[graph.nodeNames.indexOf(name)]!;
  const shape = (t: string) => analysis.inference.tensors.get(t)?.shape ?? [];
  const x = node.input[0]!;
  const y = node.output[0]!;
  const inits = node.input.slice(1).map((t) => graph.initializers.get(t)).filter((t): t is TensorProto => t !== undefined);
  return {
    irVersion: model.irVersion, opsetImport: model.opsetImport, producerName: 'cleave-bench', producerVersion: '0',
    graph: { name, node: [node], initializer: inits, input: [valueInfo(x, 'float32', shape(x))], output: [valueInfo(y, 'float32', shape(y))], valueInfo: [] },
  };
}

/**
 * The structured layer without its Gather, reading its input as it comes: not the same
 * function, but the same work as a layer whose permutation was folded into the one before.
 */
function withoutGathers(model: ModelProto): ModelProto {
  const gone = new Map(model.graph.node.filter((n) => n.opType === 'Gather' && n.name.endsWith('/permute')).map((n) => [n.output[0]!, n.input[0]!]));
  const node = model.graph.node.filter((n) => !gone.has(n.output[0]!)).map((n) => ({ ...n, input: n.input.map((t) => gone.get(t) ?? t) }));
  return { ...model, graph: { ...model.graph, node } };
}

/** The forms of `model` at a density (layers: every Conv/Gemm it has), and the structured form's input channels per group. */
function forms(model: ModelProto, density: number, scope: 'head' | 'layer'): { models: Partial<Record<Form, ModelProto>>; channelsPerGroup: number[] } {
  const compact = sparsify(model, { density, seed }).model;
  const structured = sparsify(model, { density, seed, structured: true });
  const common = { dense: model, 'masked-dense': densify(compact), compact, structured: structured.model };
  const channelsPerGroup = structured.layers.map((l) => l.inputs / (l.groups ?? 1));
  return {
    models: scope === 'head'
      ? { ...common, gather: sparsify(model, { density, seed, structured: true, foldPermutations: false }).model }
      : { ...common, grouped: withoutGathers(structured.model) },
    channelsPerGroup,
  };
}

/** Bytes of the masked-dense model with its masked weights as ONNX sparse_initializer. */
function sparseInitializerBytes(compact: ModelProto, masked: ModelProto): number {
  const weights = presentRecords(compact).map((r) => r.weight);
  return fileBytes(withSparseInitializers(masked, weights));
}

interface Row {
  readonly scope: string;
  readonly density: number;
  readonly form: Form;
  readonly bytes: number;
  readonly sparseInitializerBytes?: number;
  readonly mflops: number;
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly loadAvg1m: number;
  /** structured: input channels per group of each layer (ORT's grouped Conv pays from 16, its NCHWc block here) */
  readonly channelsPerGroup?: readonly number[];
}

async function measure(scope: string, model: ModelProto, density: number): Promise<Row[]> {
  const f = forms(model, density, scope === 'head' ? 'head' : 'layer');
  const m = f.models as Record<Form, ModelProto>;
  const graph = graphFromModel(model);
  const feeds = randomFeeds(graph, analyze(graph, { batch }).inference, 1);
  const load = load1m();
  const times = await timeModels(m, feeds, { repeats, threads });
  const sparseInit = sparseInitializerBytes(m.compact, m['masked-dense']);
  return (Object.keys(m) as Form[]).map((form) => ({
    scope, density, form, bytes: fileBytes(m[form]), mflops: countedFlops(m[form], batch) / 1e6, ...times[form], loadAvg1m: load,
    ...(form === 'masked-dense' ? { sparseInitializerBytes: sparseInit } : {}),
    ...(form === 'structured' || form === 'grouped' || form === 'gather' ? { channelsPerGroup: f.channelsPerGroup } : {}),
  }));
}

const model = smallVgg({ seed: 2, width, batchNorm: 'seeded' });
const analysis = analyze(graphFromModel(model), { batch });
const head = cutModel(analysis, [cut]).head;
const layers = graphFromModel(head).nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm').map((n) => n.name);
const m = machine();
console.log(`small VGG (width ${width}), head up to ${cut}: ${layers.join(', ')}; batch ${batch}, ${threads} ORT thread(s), ${repeats} rounds`);
console.log(`${machineLine(m)}\n`);

// The first conv (1 input channel) takes no density below 1: sparsify refuses it alone.
const sparsifiable = layers.filter((name) => {
  try {
    sparsify(layerModel(model, analysis, name), { density: 0.5 });
    return true;
  } catch (e) {
    if (!(e instanceof CleaveError)) throw e;
    console.log(`${name}: not measured alone (${e.message})`);
    return false;
  }
});
const rows: Row[] = [];
for (const density of DENSITIES) {
  rows.push(...await measure('head', head, density));
  for (const name of sparsifiable) rows.push(...await measure(name, layerModel(model, analysis, name), density));
}

const dense = new Map(rows.filter((r) => r.form === 'dense').map((r) => [`${r.scope}@${r.density}`, r]));
const show = (r: Row) => {
  const d = dense.get(`${r.scope}@${r.density}`)!;
  return [r.scope, formatDensity(r.density), r.form, (r.bytes / 1024).toFixed(1), r.sparseInitializerBytes === undefined ? '' : (r.sparseInitializerBytes / 1024).toFixed(1),
    r.mflops.toFixed(2), r.medianMs.toFixed(3), r.p10Ms.toFixed(3), (d.medianMs / r.medianMs).toFixed(2), ((r.mflops * 1e6) / (r.medianMs * 1e6)).toFixed(1), r.loadAvg1m.toFixed(1)];
};
const header = ['scope', 'density', 'form', 'KiB', 'sparse_init KiB', 'MFLOPs', 'median ms', 'p10 ms', 'speed-up', 'GFLOP/s', 'load'];
console.log(table(header, rows.filter((r) => r.scope === 'head').map(show)));
console.log(table(header, rows.filter((r) => r.scope !== 'head').map(show)));

writeResult('latency', { machine: m, options: { repeats, threads, batch, cut, width, seed }, layers, rows });
