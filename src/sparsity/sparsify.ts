import { analyze } from '../analysis/analyze.js';
import { inferShapes, type ShapeBinding } from '../analysis/infer.js';
import { closestNames, resolveCut } from '../cut/extract.js';
import { BadRequestError, CleaveError } from '../errors.js';
import { type Graph, graphFromModel } from '../graph/graph.js';
import { tensorValue } from '../onnx/tensor.js';
import type { ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import { expansionGraph, keepInWeightOrder, packWeight } from './compact.js';
import { chooseDegrees, type ChosenDegrees, formatDensity } from './degrees.js';
import { connectionSize, type Junction, junctionInputs, junctionOf, SPARSE_OPS } from './junction.js';
import { type ConnectionMask, drawMask, layerRandom } from './mask.js';
import { type Granularity, presentRecords, type SparseForm, type SparseLayerRecord, type SparseOp, withRecords } from './metadata.js';
import { foldPermutation } from './fold.js';
import { Names } from './names.js';
import { drawStructuredMask, structuredGraph } from './structured.js';

/** What to make sparse, and how. */
export interface SparsifyOptions {
  /**
   * Kept fraction of each layer's connections, in (0, 1]: one for every selected layer, or
   * per layer name (the names then select the layers, as Dey's 800-40-40-10 MLP takes
   * fo = [2, 9, 10]: `{ fc1: 2/40, fc2: 9/40, fc3: 1 }`).
   */
  readonly density: number | Readonly<Record<string, number>>;
  /** these layers (node names); each must be a Conv/Gemm/MatMul with constant weights */
  readonly layers?: readonly string[];
  /** every Conv/Gemm/MatMul with constant weights that runs before the cut at these tensors */
  readonly headOf?: string | readonly string[];
  /** grouped Convs / block-diagonal MatMuls after a channel permutation (densities 1/G) */
  readonly structured?: boolean;
  /** masks are drawn from this seed and the layer's name (default 0) */
  readonly seed?: number;
  /** refuse a layer that cannot take the density exactly, instead of taking the nearest */
  readonly exact?: boolean;
  /** Conv: mask single kernel weights, not whole kernels (an output/input channel pair) */
  readonly perElement?: boolean;
  /** shapes for the analysis that `headOf` and structured MatMuls need */
  readonly binding?: ShapeBinding;
  /**
   * structured: fold each layer's input permutation into the dense layer that computes its
   * input where one does (fold.ts), so no Gather runs (default true)
   */
  readonly foldPermutations?: boolean;
}

/** What sparsify did to one selected layer. */
export interface SparseLayerReport {
  readonly node: string;
  readonly op: SparseOp;
  /** undefined when the layer was left dense (no sparser density divides its degrees) */
  readonly form?: SparseForm;
  readonly granularity: Granularity;
  readonly inputs: number;
  readonly outputs: number;
  readonly fo: number;
  readonly fi: number;
  readonly askedDensity: number;
  readonly density: number;
  /** the asked density was taken as is (else the nearest workable one) */
  readonly exact: boolean;
  /** weights of the dense layer, and those kept */
  readonly weights: number;
  readonly kept: number;
  readonly groups?: number;
  /** the connection mask (outputs x inputs); undefined when left dense */
  readonly mask?: ConnectionMask;
  /** why the density differs from the one asked, in words */
  readonly note?: string;
}

export interface SparsifyResult {
  readonly model: ModelProto;
  readonly layers: readonly SparseLayerReport[];
  /** Conv/Gemm/MatMul nodes a `headOf` or whole-model selection passed over, and why */
  readonly skipped: readonly { readonly node: string; readonly reason: string }[];
}

/** Layers picked by the options, with the density asked for each. */
interface Selection {
  readonly junctions: readonly { junction: Junction; density: number }[];
  readonly skipped: { node: string; reason: string }[];
}

function nodeIndex(graph: Graph, name: string): number {
  const i = graph.nodeNames.indexOf(name);
  if (i < 0) {
    const near = closestNames(name, graph.nodeNames.filter((_, k) => SPARSE_OPS.includes(graph.nodes[k]?.opType as SparseOp)));
    throw new BadRequestError(`no node named "${name}"${near.length ? `; Conv/Gemm/MatMul layers with close names: ${near.map((x) => `"${x}"`).join(', ')}` : ''}`);
  }
  return i;
}

function select(graph: Graph, records: readonly SparseLayerRecord[], options: SparsifyOptions): Selection {
  // Bounds: with per-layer densities the layers named are its keys; otherwise the density is one number (the option's other form); i is a node index.
  const perLayer = typeof options.density === 'object' ? options.density : undefined;
  const given = [perLayer && 'a per-layer density', options.layers && 'layers', options.headOf !== undefined && 'headOf'].filter(Boolean);
  if (given.length > 1) throw new BadRequestError(`give one of ${given.join(' and ')}, not both: each selects the layers`);
  const named = perLayer ? Object.keys(perLayer) : options.layers;
  if (named) {
    if (named.length === 0) throw new BadRequestError('no layer given: name at least one Conv/Gemm/MatMul node');
    const dupes = named.filter((n, i) => named.indexOf(n) !== i);
    if (dupes.length) throw new BadRequestError(`layer "${dupes[0]}" is listed twice`);
    const junctions = named
      .map((name) => junctionOf(graph, nodeIndex(graph, name), records))
      .sort((a, b) => a.index - b.index)
      .map((junction) => ({ junction, density: perLayer ? perLayer[junction.name]! : (options.density as number) }));
    return { junctions, skipped: [] };
  }
  let candidates = graph.nodes.map((_, i) => i);
  if (options.headOf !== undefined) {
    const tensors = typeof options.headOf === 'string' ? [options.headOf] : [...options.headOf];
    const analysis = analyze(graph, options.binding);
    const { head } = resolveCut(analysis, tensors);
    candidates = candidates.filter((i) => head.has(i));
  }
  const skipped: { node: string; reason: string }[] = [];
  const junctions: { junction: Junction; density: number }[] = [];
  for (const i of candidates) {
    const node = graph.nodes[i]!;
    if (!SPARSE_OPS.includes(node.opType as SparseOp) || (node.domain && node.domain !== 'ai.onnx')) continue;
    const name = graph.nodeNames[i]!;
    // A layer sparse already is an error here too (junctionOf says so), never a silent skip.
    if (records.some((r) => r.node === name)) junctionOf(graph, i, records);
    try {
      junctions.push({ junction: junctionOf(graph, i, records), density: options.density as number });
    } catch (e) {
      if (!(e instanceof CleaveError)) throw e;
      skipped.push({ node: name, reason: e.message });
    }
  }
  if (junctions.length === 0) {
    throw new BadRequestError(`no Conv/Gemm/MatMul with constant weights ${options.headOf !== undefined ? 'before that cut' : 'in the model'}${skipped.length ? ` (${skipped.map((s) => s.reason).join('; ')})` : ''}`);
  }
  return { junctions, skipped };
}

function report(j: Junction, granularity: Granularity, d: ChosenDegrees, structured: boolean, form: SparseForm | undefined, mask?: ConnectionMask, groups?: number): SparseLayerReport {
  const weights = j.outputs * j.channels * j.kernel;
  const exact = Math.abs(d.density - d.asked) < 1e-9;
  const note = exact ? undefined
    : `density ${formatDensity(d.asked)} is not workable with ${d.inputs} inputs and ${d.outputs} outputs${structured ? ' as groups' : ''}; took ${d.density === 1 ? 'dense (1)' : `the nearest, ${formatDensity(d.density)}`}`;
  return {
    node: j.name, op: j.op, form, granularity, inputs: d.inputs, outputs: d.outputs, fo: d.fo, fi: d.fi,
    askedDensity: d.asked, density: d.density, exact, weights, kept: Math.round(weights * d.density),
    ...(groups ? { groups } : {}), ...(mask ? { mask } : {}), ...(note ? { note } : {}),
  };
}

/** One layer's edit: nodes to run in its place, initializers added and removed, its record. */
interface LayerEdit {
  readonly nodes: readonly NodeProto[];
  readonly added: readonly TensorProto[];
  /** initializers replaced (the weight, now computed or regrouped under its name) */
  readonly removed: readonly string[];
  /** initializers this layer no longer reads: dropped unless another node does */
  readonly released?: readonly string[];
  readonly record: SparseLayerRecord;
}

/**
 * Puts a fixed random connection mask on Conv/Gemm/MatMul layers (Dey et al.'s degree-
 * constrained pattern, per channel pair or per weight), and writes the result compactly
 * (packed kept weights + a bit mask, expanded by a constant subgraph ONNX Runtime folds at
 * load) or structured (grouped Conv / block-diagonal MatMul, 1/G of the FLOPs). Node names and
 * tensor names are kept; the masks travel in the model (see metadata.ts). A layer that is
 * sparse already, not such a layer, or (with `exact`) not able to take the density, is an
 * error naming it; nothing is returned then.
 */
export function sparsify(model: ModelProto, options: SparsifyOptions): SparsifyResult {
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new BadRequestError(`seed must be an integer in [0, 2^32), got ${seed}`);
  if (options.structured && options.perElement) throw new BadRequestError('structured and perElement exclude each other: a grouped Conv keeps whole kernels');
  const graph = graphFromModel(model);
  const records = presentRecords(model);
  const { junctions, skipped } = select(graph, records, options);
  const granularity: Granularity = options.perElement ? 'element' : 'channel';
  const form: SparseForm = options.structured ? 'structured' : 'compact';
  const inference = options.structured ? inferShapes(graph, options.binding) : undefined;
  const names = new Names(model);
  const layers: SparseLayerReport[] = [];
  const edits = new Map<NodeProto, LayerEdit>();
  for (const { junction: j, density } of junctions) {
    const inputs = junctionInputs(j, granularity);
    const d = chooseDegrees({
      node: j.name, inputsWhat: granularity === 'element' && j.op === 'Conv' ? 'kernel inputs (channels x positions)' : j.op === 'Conv' ? 'input channels' : 'inputs',
      inputs, outputs: j.outputs, density, exact: options.exact, structured: options.structured,
    });
    if (d.density === 1) {
      layers.push(report(j, granularity, d, form === 'structured', undefined));
      continue;
    }
    const rng = layerRandom(seed, j.name);
    const base = {
      node: j.name, op: j.op, form, granularity, inputs, outputs: j.outputs, fo: d.fo, fi: d.fi, density: d.density, seed,
      weight: j.weight, weightDims: j.weightDims,
    };
    if (options.structured) {
      const groups = j.outputs / d.fo;
      const mask = drawStructuredMask(inputs, j.outputs, groups, rng);
      const inputShape = inference?.tensors.get(j.node.input[0]!)?.shape; // a junction's node is a Conv, Gemm or MatMul, with input 0
      if (inputShape === undefined) throw new BadRequestError(`layer "${j.name}": the shape of its input "${j.node.input[0]}" is unknown; give input shapes`);
      const biasName = j.node.input[2];
      const s = structuredGraph(names, j, mask, inputShape, biasName ? graph.initializers.get(biasName) : undefined);
      edits.set(j.node, {
        nodes: s.nodes, added: s.initializers, removed: s.removed, released: s.released,
        record: {
          ...base, groups, permutation: s.permutation, nodes: s.nodes.map((n) => n.name), input: s.input, output: s.output,
          ...(s.bias ? { bias: s.bias } : {}), ...(j.op === 'Conv' ? {} : { transposed: j.transposed }),
        },
      });
      layers.push(report(j, granularity, d, true, form, mask, groups));
      continue;
    }
    const mask = drawMask(inputs, j.outputs, d.fo, rng);
    const weights = Float32Array.from(tensorValue(j.weightTensor).data);
    const packed = packWeight(weights, keepInWeightOrder(mask, j.transposed), connectionSize(j, granularity));
    const x = expansionGraph(names, j.weight, j.weightDims, packed);
    edits.set(j.node, {
      nodes: [...x.nodes, { ...j.node, name: j.name }], added: x.initializers, removed: [j.weight],
      record: { ...base, values: x.values, mask: x.mask },
    });
    layers.push(report(j, granularity, d, false, form, mask));
  }
  if (edits.size === 0) {
    throw new BadRequestError(`no selected layer can take a density below 1: ${layers.map((l) => `"${l.node}" (${l.inputs} inputs, ${l.outputs} outputs)`).join(', ')}; `
      + 'a layer with p inputs and n outputs takes densities k/gcd(n, p) (1/G for G dividing it, structured)');
  }
  let edited = applyEdits(model, edits);
  const added = [...edits.values()].map((e) => e.record);
  if (options.structured && options.foldPermutations !== false) {
    for (let k = 0; k < added.length; k++) {
      const f = foldPermutation(edited, added[k]!, [...records, ...added]); // k < added.length
      if (!f) continue;
      edited = f.model;
      added[k] = f.record;
    }
  }
  return { model: withRecords(edited, [...records, ...added]), layers, skipped };
}

/** The model with each edited node replaced by its edit's nodes, and initializers swapped. */
function applyEdits(model: ModelProto, edits: ReadonlyMap<NodeProto, LayerEdit>): ModelProto {
  const all = [...edits.values()];
  const node = model.graph.node.flatMap((n) => edits.get(n)?.nodes ?? [n]);
  const read = new Set(node.flatMap((n) => n.input));
  const removed = new Set([...all.flatMap((e) => e.removed), ...all.flatMap((e) => e.released ?? []).filter((t) => !read.has(t))]);
  const added = all.flatMap((e) => e.added);
  const initializer = [...model.graph.initializer.filter((t) => !removed.has(t.name)), ...added];
  // Old exporters list weights as graph inputs too; a removed weight must not stay an input.
  const input = model.graph.input.filter((v) => !removed.has(v.name));
  const out = { ...model, graph: { ...model.graph, node, initializer, input } };
  graphFromModel(out); // still a well-formed DAG: every tensor read is produced once
  return out;
}
