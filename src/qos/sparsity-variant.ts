/**
 * Sparsity variants as the sweep takes them: the head's weighted layers (Conv, Gemm, MatMul
 * with constant weights) keep a fraction of their connections, chosen before training
 * (src/sparsity). A variant says how much is kept, whether ONNX Runtime then runs only the kept
 * FLOPs, and what it does to accuracy on held-out data.
 */
import { BadRequestError } from '../errors.js';

export interface SparsityVariant {
  /** 'dense' for the model as it is */
  readonly label: string;
  /** fraction of the weights kept in the head's weighted layers, (0, 1] */
  readonly density: number;
  /**
   * Per node name, the fraction actually kept where it differs from `density` (a layer takes
   * the nearest density its shape allows); nodes not listed keep `density`.
   */
  readonly nodeDensity?: Readonly<Record<string, number>>;
  /**
   * Structured (grouped convolutions, block-diagonal Gemms): the runtime stores and runs only
   * the kept weights, so head FLOPs, latency and weight memory scale. Unstructured: the weights
   * are stored compactly on disk but expanded when loaded, so latency and memory stay dense.
   */
  readonly structured: boolean;
  /** accuracy of the sparse-trained model minus the dense one's, measured on held-out data */
  readonly accuracyDelta: number;
  /**
   * The sparse model file the variant was read from (`cleave plan --sparsity FILE.onnx`): its
   * path as given and its SHA-256, so `cleave deploy` finds that very model without being told.
   */
  readonly model?: { readonly path: string; readonly sha256: string };
}

export const DENSE: SparsityVariant = { label: 'dense', density: 1, structured: true, accuracyDelta: 0 };

/** Op types whose constant weights a variant thins. */
export const SPARSE_OP_TYPES: ReadonlySet<string> = new Set(['Conv', 'Gemm', 'MatMul']);

/** Checks a variant given by a user; errors name the field. */
export function checkVariant(v: SparsityVariant, where: string): void {
  const bad = (field: string, why: string): never => {
    throw new BadRequestError(`${where}: "${field}" ${why}`);
  };
  if (!v.label) bad('label', 'must be a non-empty name');
  if (!(v.density > 0 && v.density <= 1)) bad('density', `must be in (0, 1], got ${v.density}`);
  for (const [node, d] of Object.entries(v.nodeDensity ?? {})) if (!(d > 0 && d <= 1)) bad(`nodeDensity.${node}`, `must be in (0, 1], got ${d}`);
  if (!(v.accuracyDelta >= -1 && v.accuracyDelta <= 1)) bad('accuracyDelta', `must be in [-1, 1], got ${v.accuracyDelta}`);
}

/** The fraction of a node's weights and FLOPs the variant keeps (1 for nodes it does not thin). */
export function keptFraction(v: SparsityVariant, node: { readonly name: string; readonly opType: string; readonly params: number }): number {
  if (!SPARSE_OP_TYPES.has(node.opType) || node.params === 0) return 1;
  return v.nodeDensity?.[node.name] ?? v.density;
}
