import { analyze } from '../analysis/analyze.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import { encodeModel } from '../onnx/codec.js';
import { readModel, writeFileAtomic } from '../onnx/model-file.js';
import type { ModelProto } from '../onnx/types.js';
import { sparseNodeCounts } from '../sparsity/counts.js';
import { formatDensity } from '../sparsity/degrees.js';
import { type SparseLayerReport, sparsify } from '../sparsity/sparsify.js';
import { defineCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { bytes, si, table } from './format.js';
import { printJson } from './io.js';
import { flag, option } from './option-table.js';
import { atLeast, inputShapes, integer, list, positive, text, type ValueType } from './option-types.js';

/** A density in (0, 1] written as a decimal or a fraction: 0.25, 1/4. */
function parseFraction(t: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+(?:\.\d+)?))?\s*$/.exec(t);
  if (!m?.[1]) return undefined;
  const v = m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
  return v > 0 && v <= 1 ? v : undefined;
}

/**
 * `--density`: one density for every selected layer (0.25, 1/4), or one per layer
 * (fc1=1/20,fc2=9/40: the names then select the layers).
 */
const density: ValueType<number | Readonly<Record<string, number>>> = {
  noun: 'density',
  accepts: 'a density in (0, 1] such as 0.25 or 1/4, or per layer NAME=D,NAME=D',
  arg: 'D',
  parse(t) {
    if (!t.includes('=')) return parseFraction(t);
    const out: Record<string, number> = {};
    for (const item of t.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = item.lastIndexOf('=');
      const d = parseFraction(item.slice(eq + 1));
      const name = item.slice(0, eq);
      if (eq <= 0 || d === undefined || Object.hasOwn(out, name)) return undefined;
      out[name] = d;
    }
    return Object.keys(out).length ? out : undefined;
  },
};

/** One layer in --json: the library's report without the mask itself. */
function layerJson(l: SparseLayerReport) {
  return {
    node: l.node, op: l.op, form: l.form ?? null, granularity: l.granularity, inputs: l.inputs, outputs: l.outputs,
    fo: l.fo, fi: l.fi, askedDensity: l.askedDensity, density: l.density, exact: l.exact, weights: l.weights, kept: l.kept,
    groups: l.groups ?? null, note: l.note ?? null,
  };
}

/** Parameters and FLOPs of a model, sparse layers counted from their nonzeros. */
function counts(model: ModelProto, binding: { batch: number; inputShapes?: Readonly<Record<string, number[]>> }): { params: number; flops: number } {
  const graph = graphFromModel(model);
  const { totals } = analyze(graph, { ...binding, nodeCounts: sparseNodeCounts(graph) });
  return { params: totals.params, flops: totals.flops };
}

const HEADER = ['node', 'op', 'inputs', 'outputs', 'fo', 'fi', 'asked', 'density', 'weights', 'kept', 'form'];

export const sparsifyCommand = defineCommand({
  name: 'sparsify',
  summary: 'fixed random connection masks (predefined sparsity) on Conv/Gemm/MatMul layers',
  usage: 'MODEL --density D [--layers A,B | --head-of T] -o OUT.onnx [options]',
  description: `Puts a fixed random connection mask on Conv, Gemm and MatMul layers with constant weights,
before training (predefined sparsity, Dey et al.): a layer with p inputs and n outputs keeps
density D = fo/n of its connections, every input feeding exactly fo outputs and every output
reading exactly fi = p*fo/n inputs, drawn from --seed and the layer's name. For a Conv a
connection is an (output, input) channel pair, a whole kernel (--per-element: one weight).

The result is written compactly (the kept weights packed, the mask as one bit per connection,
expanded by a few constant nodes ONNX Runtime folds at load), or with --structured as grouped
Convs / block-diagonal MatMuls after a channel permutation, which ONNX Runtime runs with 1/G
of the FLOPs. Node and tensor names are kept; the masks travel in the model, so
\`cleave train\`, \`cleave cut\` and \`cleave analyze\` work on OUT.onnx and keep them.`,
  args: { min: 1, says: 'one MODEL file' },
  options: {
    density: option(density, { required: true, help: 'kept fraction of connections: 0.25, 1/4, or per layer NAME=D,NAME=D' }),
    layers: option(list(text, 'node names'), { repeat: true, arg: 'A,B', help: 'these layers (default: every Conv/Gemm/MatMul with constant weights)' }),
    'head-of': option(list(text, 'tensor names'), { repeat: true, arg: 'T', help: 'every such layer that runs before the cut at these tensors' }),
    structured: flag('grouped Convs / block-diagonal MatMuls (densities 1/G) that run faster'),
    'per-element': flag('Conv: drop single kernel weights instead of whole kernels'),
    exact: flag('refuse a layer that cannot take the density exactly (default: take its nearest)'),
    seed: option(integer, { default: 0, check: atLeast(0), help: 'mask seed (same seed, same masks)' }),
    out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'where to write the sparse model' }),
    batch: option(integer, { default: 1, check: positive, help: 'batch size for --head-of and the FLOP counts' }),
    'input-shape': option(inputShapes, { repeat: true, help: 'shape of an input with other symbolic dims' }),
  },
  json: 'print the per-layer degrees and densities, sizes and counts as JSON',
  notes: `A density a layer cannot take exactly (p*fo not divisible by n; a first conv with 1 or 3
input channels) becomes its nearest workable one, said per layer; with --exact the command
fails and lists the densities that work. Nothing is written when a layer is refused (not a
Conv/Gemm/MatMul with constant weights, sparse already) or no layer can go below density 1.`,
  examples: [
    'cleave sparsify small-vgg.onnx --density 1/4 --head-of block3.pool -o sparse.onnx',
    'cleave sparsify mlp.onnx --density fc1=1/20,fc2=9/40 -o dey.onnx',
    'cleave sparsify small-vgg.onnx --density 1/8 --structured --head-of block2.pool -o fast.onnx',
  ],
  async run({ values: v, positionals: [path] }, io) {
    if (v.layers && v['head-of']) throw new BadRequestError('--layers and --head-of exclude each other: each selects the layers');
    const model = readModel(path);
    const binding = { batch: v.batch, inputShapes: v['input-shape'] };
    const { model: sparse, layers, skipped } = sparsify(model, {
      density: v.density, layers: v.layers, headOf: v['head-of'], structured: v.structured, perElement: v['per-element'],
      exact: v.exact, seed: v.seed, binding,
    });
    const encoded = encodeModel(sparse);
    const before = counts(model, binding);
    const after = counts(sparse, binding);
    const inputBytes = encodeModel(model).length;
    writeFileAtomic(v.out, encoded);
    const weights = layers.reduce((s, l) => s + l.weights, 0);
    const kept = layers.reduce((s, l) => s + l.kept, 0);
    if (v.json) {
      printJson(io, {
        model: path, out: v.out, form: v.structured ? 'structured' : 'compact', granularity: v['per-element'] ? 'element' : 'channel', seed: v.seed,
        bytes: { input: inputBytes, output: encoded.length }, params: { input: before.params, output: after.params },
        flops: { input: before.flops, output: after.flops, batch: v.batch }, weights: { selected: weights, kept },
        layers: layers.map(layerJson), skipped,
      });
      return EXIT.OK;
    }
    io.stdout(table(HEADER, layers.map((l) => [
      l.node, l.op, l.inputs, l.outputs, l.fo, l.fi, formatDensity(l.askedDensity), formatDensity(l.density), l.weights, l.kept,
      l.form ? `${l.form}${l.groups ? ` (${l.groups} groups)` : ''}` : 'dense',
    ])));
    for (const l of layers) if (l.note) io.stdout(`note: ${l.node}: ${l.note}\n`);
    for (const s of skipped) io.stdout(`skipped: ${s.reason}\n`);
    io.stdout(`\nkept ${kept} of ${weights} weights of the selected layers (${(weights / Math.max(kept, 1)).toFixed(2)}x fewer); `
      + `params ${si(before.params)} -> ${si(after.params)}, FLOPs ${si(before.flops)} -> ${si(after.flops)} at batch ${v.batch}\n`);
    io.stdout(`wrote ${v.out}: ${bytes(encoded.length)} (was ${bytes(inputBytes)}, ${(inputBytes / encoded.length).toFixed(2)}x smaller)\n`);
    return EXIT.OK;
  },
});
