/**
 * Sparsity variants at deployment. A plan's variant (src/qos/sparsity-variant.ts) describes a
 * model whose head layers were given fixed connection masks *before training* and then trained
 * (src/sparsity): its `accuracyDelta` was measured on that trained model. Sparsifying the
 * planned dense model at deployment would keep the density but not the accuracy, so a
 * deployment never does it: it takes the trained sparse model (--sparse-model) and checks that
 * it is the variant, layer by layer, before cutting it where the plan says.
 */
import type { Analysis } from '../analysis/analyze.js';
import { headFor } from '../analysis/dataflow.js';
import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { keptFraction, type SparsityVariant } from '../qos/sparsity-variant.js';
import { sparseRecords } from '../sparsity/metadata.js';

/** Two densities are the same when they agree to this (degrees are integers; densities their ratios). */
const DENSITY_TOLERANCE = 1e-9;

/**
 * Throws unless `sparse` is `variant` of the planned model cut at `cut`: every head layer the
 * variant thins is sparse there at the variant's density and in its form (structured: grouped
 * layers; unstructured: compact storage), and no other layer is sparse. `planAnalysis` is the
 * planned (dense) model's.
 */
export function checkSparseModel(planAnalysis: Analysis, cut: readonly string[], variant: SparsityVariant, sparse: ModelProto, what: string): void {
  const records = new Map(sparseRecords(sparse).map((r) => [r.node, r]));
  if (records.size === 0) throw new BadRequestError(`${what} has no sparse layer (no "cleave.sparsity" metadata): give the model sparsified with variant "${variant.label}" and trained`);
  const form = variant.structured ? 'structured' : 'compact';
  const head = headFor(planAnalysis.dataflow, cut);
  const expected = new Map<string, number>();
  for (const i of head) {
    const n = planAnalysis.nodes[i];
    if (!n || n.folded) continue;
    const kept = keptFraction(variant, n);
    if (kept < 1) expected.set(n.name, kept);
  }
  for (const [node, density] of expected) {
    const r = records.get(node);
    if (!r) throw new BadRequestError(`${what}: layer "${node}" is dense, but variant "${variant.label}" keeps ${density} of its connections`);
    if (Math.abs(r.density - density) > DENSITY_TOLERANCE) throw new BadRequestError(`${what}: layer "${node}" keeps ${r.density} of its connections, variant "${variant.label}" ${density}`);
    if (r.form !== form) throw new BadRequestError(`${what}: layer "${node}" is ${r.form}, variant "${variant.label}" is ${variant.structured ? 'structured' : 'unstructured (compact)'}`);
  }
  const extra = [...records.keys()].filter((n) => !expected.has(n));
  if (extra.length) throw new BadRequestError(`${what}: layer${extra.length > 1 ? 's' : ''} ${extra.map((n) => `"${n}"`).join(', ')} ${extra.length > 1 ? 'are' : 'is'} sparse, but variant "${variant.label}" thins only the head's ${[...expected.keys()].map((n) => `"${n}"`).join(', ') || '(no layer)'}`);
}
