/**
 * The models of a deployment: the head (with the exits the plan enables) and the tail of one
 * plan entry, verified against the model they come from.
 *
 * - split: the model cut at the entry's tensor (src/cut). With exits, the head is the exits
 *   model pruned to the cut tensor and the enabled exits' logits: the backbone up to the cut
 *   plus each branch, which reads a tensor that backbone computes (the head's extra outputs).
 *   The tail is the plan's model after the cut.
 * - remote: the head passes the input through (one Identity node), so the edge client encodes
 *   and sends the image itself; the tail is the whole model.
 * - local (everything on the edge) has no server side, and the edge client always sends: it is
 *   refused, as are cuts of several tensors (the client sends one tensor per request).
 *
 * With a sparsity variant the cut model is the trained sparse model, checked against the variant
 * (deploy-sparsity.ts). Head -> tail is run against the source model on a seeded random input
 * with ONNX Runtime (src/cut's verifyCut): main output and exits must agree to 1e-5 relative.
 */
import { type Analysis, analyze } from '../analysis/analyze.js';
import { type CutModels, cutModel } from '../cut/extract.js';
import { type CutManifest, cutManifest } from '../cut/manifest.js';
import { checkReproduces, CUT_RTOL, type Verification, verifyCut } from '../cut/verify.js';
import { BadRequestError } from '../errors.js';
import type { ExitPolicy } from '../exits/policy.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto, ValueInfoProto } from '../onnx/types.js';
import type { PlanDocument, PlanEntry } from '../qos/plan-file.js';
import { VERSION } from '../version.js';
import { type DeployedExit, enabledExits } from './deploy-exits.js';
import { checkSparseModel } from './deploy-sparsity.js';
import { keepOutputs } from '../graph/prune.js';

/** A model file a deployment reads. */
export interface ModelSource {
  readonly model: ModelProto;
  readonly path: string;
}

export interface DeployModelInputs {
  readonly plan: PlanDocument;
  readonly entry: PlanEntry;
  /** where the entry is in the plan, for messages (`recommended`, `front[3]`) */
  readonly field: string;
  /** the plan's model, its hash checked */
  readonly model: ModelSource;
  /** the plan's model with its exit branches (needed when the entry enables exits) */
  readonly exits?: ModelSource;
  /** the trained sparse model of the entry's variant (needed when it is not `dense`) */
  readonly sparse?: ModelSource;
  readonly rtol?: number;
}

export interface DeployedModels {
  readonly head: ModelProto;
  readonly tail: ModelProto;
  /** the head output sent, and the tail's input and output names */
  readonly cutOutput: string;
  readonly tailInput: string;
  readonly tailOutput: string;
  readonly policy: ExitPolicy;
  readonly exits: readonly DeployedExit[];
  /** node names of each enabled exit's branch, in `analysis` */
  readonly exitNodes: Readonly<Record<string, readonly string[]>>;
  /** the model head and tail were checked against, and its analysis at batch 1 */
  readonly source: ModelSource;
  readonly analysis: Analysis;
  /** cut.json */
  readonly manifest: CutManifest;
  /** null for remote (the tail is the model itself) */
  readonly verification: Verification | null;
}

const analysisOf = (model: ModelProto): Analysis => analyze(graphFromModel(model), { batch: 1 });

/** A head that hands its input on unchanged, for the remote placement. */
function passThroughHead(model: ModelProto, input: ValueInfoProto): { head: ModelProto; output: string } {
  const output = `${input.name}_sent`;
  return {
    output,
    head: {
      irVersion: model.irVersion,
      opsetImport: model.opsetImport,
      producerName: 'cleave',
      producerVersion: VERSION,
      graph: { name: 'remote_head', node: [{ name: 'send', opType: 'Identity', domain: '', input: [input.name], output: [output], attribute: [] }], initializer: [], input: [input], output: [{ ...input, name: output }], valueInfo: [] },
      metadataProps: [],
    },
  };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The model the entry's tensors are cut from: the plan's, or the checked sparse model. */
function cutSource(i: DeployModelInputs, planAnalysis: Analysis): ModelSource {
  const { entry, field } = i;
  if (entry.sparsity === 'dense') return i.model;
  const variant = i.plan.sweep.sparsity.find((v) => v.label === entry.sparsity);
  if (!variant) throw new BadRequestError(`plan: field "${field}.sparsity" names variant "${entry.sparsity}", which "sweep.sparsity" does not describe`);
  if (!i.sparse) throw new BadRequestError(`plan: ${field} uses sparsity variant "${variant.label}" (density ${variant.density}, ${variant.structured ? 'structured' : 'unstructured'}); its accuracy was measured on that variant trained, which deploy does not make from the dense model: give --sparse-model FILE (the model sparsified with these settings and trained; docs/planning.md)`);
  if (entry.placement === 'remote') throw new BadRequestError(`plan: ${field} pairs the remote placement with sparsity variant "${variant.label}", which thins head layers a remote placement does not have; deploy the dense remote entry`);
  if (entry.exits.length) throw new BadRequestError(`plan: ${field} combines exits with a sparsity variant; deploy supports one of them per entry`);
  const sig = graphFromModel(i.sparse.model);
  const io = [sig.inputs.map((v) => v.name), sig.outputs.map((v) => v.name)];
  // io holds the cut's inputs and outputs, in that order
  if (!sameNames(io[0]!, i.plan.model.inputs) || !sameNames(io[1]!, i.plan.model.outputs)) {
    throw new BadRequestError(`${i.sparse.path}: inputs ${io[0]?.join(', ')} and outputs ${io[1]?.join(', ')} are not the plan's model's (${i.plan.model.inputs.join(', ')}; ${i.plan.model.outputs.join(', ')})`);
  }
  checkSparseModel(planAnalysis, entry.cut, variant, i.sparse.model, i.sparse.path);
  return i.sparse;
}

/** Builds and verifies the head and tail of a plan entry. */
export async function deployModels(i: DeployModelInputs): Promise<DeployedModels> {
  const { entry, field } = i;
  if (entry.placement === 'local') throw new BadRequestError(`plan: ${field} runs everything on the edge (placement local): there is no tail to serve and nothing to send; deploy a split or remote entry (--entry N)`);
  if (entry.cut.length !== 1) throw new BadRequestError(`plan: ${field} cuts at ${entry.cut.length} tensors (${entry.cut.join(', ')}); the edge client sends one tensor per request: deploy a single-tensor entry (--entry N)`);
  const planAnalysis = analysisOf(i.model.model);
  // a plan's model has an output and an entry's cut a tensor (parsePlan checks both)
  const mainOutput = i.plan.model.outputs[0]!;
  const cut = entry.cut[0]!; // as above

  if (entry.placement === 'remote') {
    if (entry.exits.length) throw new BadRequestError(`plan: ${field} is remote and enables exits, which need a head`);
    cutSource(i, planAnalysis);
    const input = i.model.model.graph.input.find((v) => v.name === cut);
    if (!input) throw new BadRequestError(`plan: field "${field}.cut" names "${cut}", which is no input of the model`);
    const { head, output } = passThroughHead(i.model.model, input);
    const parts: CutModels = { head, tail: i.model.model, tensors: [cut], bytes: planAnalysis.totals.inputBytes, storedValues: [] };
    return {
      head, tail: i.model.model, cutOutput: output, tailInput: cut, tailOutput: mainOutput, policy: 'max-softmax', exits: [], exitNodes: {},
      source: i.model, analysis: planAnalysis, manifest: cutManifest(planAnalysis, parts, { model: i.model.path }), verification: null,
    };
  }

  const source = cutSource(i, planAnalysis);
  const sourceAnalysis = source === i.model ? planAnalysis : analysisOf(source.model);
  const parts = cutModel(sourceAnalysis, [cut]);
  let head = parts.head;
  let reference = { source, analysis: sourceAnalysis };
  let exits: readonly DeployedExit[] = [];
  let policy: ExitPolicy = 'max-softmax';
  let exitNodes: Record<string, readonly string[]> = {};
  if (entry.exits.length) {
    const holder = i.exits;
    if (!holder) throw new BadRequestError(`plan: ${field} enables exits ${entry.exits.map((e) => e.name).join(', ')}, which are not in the plan's model: give --exits-model FILE (the plan's model with its exits added and trained)`);
    const enabled = enabledExits(i.model.model, holder.model, entry.exits, holder.path, `plan: ${field}`);
    const computed = new Set([...head.graph.node.flatMap((n) => n.output), ...head.graph.input.map((v) => v.name)]);
    for (const e of enabled.exits) {
      if (!computed.has(e.after)) throw new BadRequestError(`plan: ${field}: exit "${e.output}" reads "${e.after}", which the head (up to "${cut}") does not compute`);
    }
    // The backbone up to the cut and the enabled branches: the exits model pruned to their outputs.
    const exitOutputs = enabled.model.graph.output.filter((o) => enabled.exits.some((e) => e.output === o.name));
    head = keepOutputs(enabled.model, [...parts.head.graph.output.filter((o) => o.name === cut), ...exitOutputs]);
    reference = { source: { model: enabled.model, path: holder.path }, analysis: analysisOf(enabled.model) };
    ({ exits, policy } = enabled);
    exitNodes = Object.fromEntries(enabled.structure.exits.map((e) => [e.output, e.nodes]));
  }
  const verification = await verifyCut(reference.analysis, { ...parts, head }, { rtol: i.rtol ?? CUT_RTOL });
  checkReproduces(verification);
  return {
    head, tail: parts.tail, cutOutput: cut, tailInput: cut, tailOutput: mainOutput, policy, exits, exitNodes,
    source: reference.source, analysis: reference.analysis,
    manifest: cutManifest(sourceAnalysis, parts, { model: source.path, verification }), verification,
  };
}
