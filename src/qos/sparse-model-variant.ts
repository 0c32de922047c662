/**
 * Sparsity variants straight from sparse models (`cleave sparsify`, then trained): the variant
 * is read from the model's sparsity records, and with held-out data its accuracy is measured
 * through the real numerics for every (cut, codec), as the dense model's is (measure.ts).
 *
 * - Which layers keep which fraction: each record's node and density (a layer the records do
 *   not name stays dense). When every weighted layer of the model is sparse at one density the
 *   variant says just that density, else it lists the layers (`nodeDensity`) over a density of 1.
 * - structured (grouped layers ONNX Runtime runs at the kept FLOPs) or unstructured (compact
 *   storage expanded when loaded): the records' form, one for all layers.
 * - accuracy: measured on the sparse model cut at each of the dense model's cuts whose head
 *   holds every sparse layer (as a variant thins the head, and as deploy takes it), and run
 *   whole for the local placement; elsewhere, and without data, the dense figure plus the whole
 *   model's change, labelled `predicted`.
 */
import type { Analysis } from '../analysis/analyze.js';
import { analyze } from '../analysis/analyze.js';
import type { CodecSpec } from '../compress/codec.js';
import { resolveCut } from '../cut/extract.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { BadRequestError, CleaveError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto } from '../onnx/types.js';
import { sparseRecords } from '../sparsity/metadata.js';
import type { CutAccuracy } from './accuracy.js';
import type { CutCandidate } from './candidates.js';
import { measureAccuracy, type MeasureOptions } from './measure.js';
import { checkVariant, SPARSE_OP_TYPES, type SparsityVariant } from './sparsity-variant.js';

/** A sparse model of the planned one, and what the sweep takes from it. */
export interface SparseModelVariant {
  readonly model: ModelProto;
  /** accuracyDelta 0 until measured (measureSparseVariant) */
  readonly variant: SparsityVariant;
}

const names = (xs: readonly { readonly name: string }[]): string => xs.map((x) => x.name).join(', ');

/**
 * The variant `sparse` is of the planned (dense) model: checked to have the model's inputs and
 * outputs and to thin only its Conv, Gemm and MatMul layers with weights. `label` names it;
 * with `sha256` (of the file at `where`) the variant records the file as its `model`.
 */
export function sparseModelVariant(dense: Analysis, sparse: ModelProto, label: string, where: string, sha256?: string): SparseModelVariant {
  const records = sparseRecords(sparse);
  if (records.length === 0) throw new BadRequestError(`${where} has no sparse layer (no "cleave.sparsity" metadata): give a model made by \`cleave sparsify\` from the planned model`);
  const g = dense.dataflow.graph;
  const s = graphFromModel(sparse);
  if (names(s.inputs) !== names(g.inputs) || names(s.outputs) !== names(g.outputs)) {
    throw new BadRequestError(`${where}: inputs ${names(s.inputs)} and outputs ${names(s.outputs)} are not the planned model's (${names(g.inputs)}; ${names(g.outputs)})`);
  }
  const weighted = dense.nodes.filter((n) => SPARSE_OP_TYPES.has(n.opType) && n.params > 0);
  const byName = new Map(weighted.map((n) => [n.name, n]));
  for (const r of records) if (!byName.has(r.node)) throw new BadRequestError(`${where}: sparse layer "${r.node}" is no Conv, Gemm or MatMul with weights of the planned model`);
  const forms = new Set(records.map((r) => r.form));
  if (forms.size > 1) throw new BadRequestError(`${where} mixes structured and compact sparse layers; a variant is one or the other`);
  const densities = new Set(records.map((r) => r.density));
  const uniform = densities.size === 1 && records.length === weighted.length;
  const variant: SparsityVariant = uniform
    ? { label, density: records[0]!.density, structured: forms.has('structured'), accuracyDelta: 0 } // densities.size === 1, so records is not empty
    : { label, density: 1, nodeDensity: Object.fromEntries(records.map((r) => [r.node, r.density])), structured: forms.has('structured'), accuracyDelta: 0 };
  checkVariant(variant, where);
  return { model: sparse, variant: sha256 === undefined ? variant : { ...variant, model: { path: where, sha256 } } };
}

/**
 * Whether the sparse model cut at `tensors` is the variant as the sweep takes it: a cut of the
 * model (the dense model's cut points are almost always the sparse one's) whose head holds
 * every sparse layer (a variant thins the head; deploy refuses the rest).
 */
function headHoldsSparseLayers(analysis: Analysis, tensors: readonly string[], sparseNodes: readonly string[]): boolean {
  try {
    const { head } = resolveCut(analysis, tensors);
    const names = analysis.dataflow.graph.nodeNames;
    return sparseNodes.every((n) => names.some((x, i) => x === n && head.has(i)));
  } catch (e) {
    if (e instanceof CleaveError) return false;
    throw e;
  }
}

/**
 * The sparse model's accuracy at every (cut, codec) of the sweep, measured like the dense
 * model's on the same images; NaN where the cut's head does not hold every sparse layer (the
 * remote placement among them: it has no head). Its
 * `base` (the whole sparse model) minus `denseBase` is the variant's accuracy change.
 */
export async function measureSparseVariant(v: SparseModelVariant, cutList: readonly CutCandidate[], codecs: readonly CodecSpec[], data: ImageDataset, o: MeasureOptions = {}): Promise<CutAccuracy> {
  // Bounds: keep holds indices of cutList; j < keep.length and k < K index measureAccuracy's keep.length x K figures, which it fills all of (at, payloadBytes and correct).
  const analysis = analyze(graphFromModel(v.model), { batch: 1 });
  const sparseNodes = sparseRecords(v.model).map((r) => r.node);
  const keep = cutList.map((c, i) => (c.placement === 'local' || (c.placement === 'split' && headHoldsSparseLayers(analysis, c.tensors, sparseNodes)) ? i : -1)).filter((i) => i >= 0);
  const measured = await measureAccuracy(v.model, analysis, keep.map((i) => cutList[i]!), codecs, data, o);
  const K = codecs.length;
  const at = new Float64Array(cutList.length * K).fill(NaN);
  const payloadBytes = new Float64Array(cutList.length * K).fill(NaN);
  const correct: Uint8Array[] = Array.from({ length: cutList.length * K }, () => new Uint8Array(0));
  keep.forEach((c, j) => {
    for (let k = 0; k < K; k++) {
      at[c * K + k] = measured.at[j * K + k]!;
      payloadBytes[c * K + k] = measured.payloadBytes?.[j * K + k]!;
      correct[c * K + k] = measured.correct?.[j * K + k]!;
    }
  });
  return { ...measured, at, payloadBytes, correct };
}

/** The variant with its accuracy change measured: the whole sparse model's accuracy minus the dense one's, on the same images. */
export function withMeasuredDelta(variant: SparsityVariant, sparse: CutAccuracy, dense: CutAccuracy): SparsityVariant {
  return { ...variant, accuracyDelta: sparse.base - dense.base };
}
