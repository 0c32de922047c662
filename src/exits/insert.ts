/**
 * Adds early-exit branches to an ONNX classifier: one extra output `exit_<k>_logits` per exit,
 * k in order of depth, and nothing else of the model changed (its nodes, weights and outputs
 * stay as they were; the branches only read).
 */
import { analyze } from '../analysis/analyze.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel, opsetOf } from '../graph/graph.js';
import { Random } from '../graph/random.js';
import type { Dimension, ModelProto, StringStringEntry, TensorProto, ValueInfoProto } from '../onnx/types.js';
import { type BranchKind, buildBranch } from './branch.js';
import { type ExitPlacement, placeExits } from './placement.js';

export interface ExitOptions {
  /** branch for maps (default "bn-gap") */
  readonly branch?: BranchKind;
  /** weight seed (default 1) */
  readonly seed?: number;
  /** the classifier output the exits imitate (default: the model's only output) */
  readonly output?: string;
}

/** One exit as added. */
export interface ExitInfo {
  readonly index: number;
  /** `exit_<k>_logits` */
  readonly output: string;
  /** the tensor it reads */
  readonly at: string;
  /** per-sample shape of `at` */
  readonly shape: readonly number[];
  readonly branch: BranchKind;
  /** FLOPs of the backbone up to `at`, and that as a fraction of the whole */
  readonly headFlops: number;
  readonly headFraction: number;
  /** MACs per sample of the branch itself */
  readonly branchMacs: number;
  readonly params: readonly string[];
  readonly buffers: readonly string[];
}

export interface ModelWithExits {
  readonly model: ModelProto;
  /** the classifier output, unchanged */
  readonly mainOutput: string;
  readonly classes: number;
  readonly exits: readonly ExitInfo[];
}

/** Metadata key holding the exits as JSON ({ output, at, branch }[]). */
export const EXITS_METADATA_KEY = 'cleave.exits';

/** BatchNormalization without `is_test`/`consumed_inputs`, Gemm and Div with broadcasting all date from opset 7. */
export const MIN_EXITS_OPSET = 7;

/** Sets `key` in a model's metadata, keeping the other entries. */
export function withMetadata(model: ModelProto, key: string, value: string): StringStringEntry[] {
  return [...(model.metadataProps ?? []).filter((e) => e.key !== key), { key, value }];
}

/** The graph inputs once `added` initializers join the model: IR < 4 wants every initializer listed among them. */
export function inputsWith(model: ModelProto, added: readonly TensorProto[]): ValueInfoProto[] {
  if (Number(model.irVersion) >= 4) return model.graph.input;
  return [...model.graph.input, ...added.map((t) => ({ name: t.name, type: { tensorType: { elemType: t.dataType, shape: { dim: t.dims.map((d) => ({ dimValue: d })) } } } }))];
}

/** Inserts the exit branches (no verification: `addExits` runs the model to check it). */
export function insertExits(model: ModelProto, where: ExitPlacement, options: ExitOptions = {}): ModelWithExits {
  // Bounds: a one-output model has outputs[0]; the main output is [N, classes] (checked).
  const graph = graphFromModel(model);
  const opset = opsetOf(graph, '') ?? 0;
  if (opset < MIN_EXITS_OPSET) throw new BadRequestError(`exit branches need ai.onnx opset >= ${MIN_EXITS_OPSET}; the model has ${opset}`);
  const branch = options.branch ?? 'bn-gap';
  if (branch !== 'bn-gap' && branch !== 'conv') throw new BadRequestError(`branch must be "bn-gap" or "conv", got "${String(branch)}"`);
  const outputs = graph.outputs.map((o) => o.name);
  const mainOutput = options.output ?? (outputs.length === 1 ? outputs[0]! : undefined);
  if (mainOutput === undefined) throw new BadRequestError(`the model has ${outputs.length} outputs (${outputs.join(', ')}); name the classifier output the exits imitate`);
  const main = graph.outputs.find((o) => o.name === mainOutput);
  if (!main) throw new BadRequestError(`the model has no output "${mainOutput}" (outputs: ${outputs.join(', ')})`);

  const analysis = analyze(graph, { batch: 1 });
  const info = analysis.inference.tensors.get(mainOutput);
  if (!info || info.dtype !== 'float32' || info.shape.length !== 2) {
    throw new BadRequestError(`output "${mainOutput}" has shape ${info ? `[${info.shape.join(', ')}] (${info.dtype})` : 'unknown'}; exits need a classifier with float [N, classes] logits`);
  }
  const classes = info.shape[1]!;
  const sites = placeExits(analysis, where);

  const taken = new Set([...analysis.tensors.map((t) => t.name), ...graph.nodeNames]);
  const rng = new Random(options.seed ?? 1);
  const batchDim: Dimension = main.type?.tensorType?.shape?.dim[0] ?? { dimParam: 'N' };
  const exits: ExitInfo[] = [];
  const nodes = [...model.graph.node];
  const initializers = [...model.graph.initializer];
  const newOutputs: ValueInfoProto[] = [];
  sites.forEach((site, k) => {
    const output = `exit_${k}_logits`;
    const built = buildBranch({ at: site.tensor, shape: site.shape, classes, kind: branch, prefix: `exit_${k}`, output }, rng);
    const clash = [output, ...built.nodes.map((n) => n.name), ...built.initializers.map((t) => t.name)].find((n) => taken.has(n));
    if (clash) throw new BadRequestError(`the model already has a tensor or node "${clash}": it has exits already, or uses cleave's exit names`);
    nodes.push(...built.nodes);
    initializers.push(...built.initializers);
    newOutputs.push({ name: output, type: { tensorType: { elemType: 1, shape: { dim: [{ ...batchDim }, { dimValue: classes }] } } } });
    exits.push({
      index: k, output, at: site.tensor, shape: site.shape, branch,
      headFlops: site.headFlops, headFraction: analysis.totals.flops > 0 ? site.headFlops / analysis.totals.flops : 0,
      branchMacs: built.macs, params: built.params, buffers: built.buffers,
    });
  });
  const metadata = JSON.stringify(exits.map((e) => ({ output: e.output, at: e.at, branch: e.branch })));
  return {
    model: {
      ...model,
      metadataProps: withMetadata(model, EXITS_METADATA_KEY, metadata),
      graph: { ...model.graph, node: nodes, initializer: initializers, input: inputsWith(model, initializers.slice(model.graph.initializer.length)), output: [...model.graph.output, ...newOutputs] },
    },
    mainOutput,
    classes,
    exits,
  };
}
