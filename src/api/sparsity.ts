/**
 * `cleave/sparsity`: predefined sparsity (Dey et al.): fixed random connection masks on
 * Conv/Gemm/MatMul layers, drawn from a seed under exact degree constraints; the sparse model
 * stored compactly (packed kept weights + a bit mask) or run as grouped layers; its masked
 * dense equivalent; and the analysis hook that counts sparse layers from their nonzeros.
 * This file only re-exports; each module documents its own exports.
 */

export { sparsify, type SparseLayerReport, type SparsifyOptions, type SparsifyResult } from '../sparsity/sparsify.js';
export { densify } from '../sparsity/densify.js';
export { sparseNodeCounts } from '../sparsity/counts.js';
export { chooseDegrees, DensityError, formatDensity, workableDensities, type ChosenDegrees, type DegreeRequest, type Degrees } from '../sparsity/degrees.js';
export { drawMask, layerRandom, maskSums, SWAPS_PER_CONNECTION, type ConnectionMask } from '../sparsity/mask.js';
export { drawStructuredMask, structuredMask, type StructuredMask } from '../sparsity/structured.js';
export { SPARSITY_KEY, presentRecords, sparseRecords, type Granularity, type SparseForm, type SparseLayerRecord, type SparseOp } from '../sparsity/metadata.js';
export { indexType, sparseTensorOf, withSparseInitializers, type SparseTensorProto } from '../sparsity/sparse-initializer.js';
