/**
 * `cleave`: the core of cleave's public API: ONNX files, the graph IR and model builder, the op
 * rules, analysis and cut points, cutting a model into head and tail (verified against the
 * original in onnxruntime-node), the ONNX Runtime session and the reference architectures.
 *
 * Each other area has its own entry point (package.json `exports`), so that this one loads
 * neither the HTTP server (fastify) nor code a program does not use:
 * - `cleave/edge`: the edge client, browser-safe; `cleave/edge/node`: its Node runtime and transports
 * - `cleave/protocol`: the KServe v2 wire format and cleave's TCP stream frames (browser-safe)
 * - `cleave/serve`: the KServe v2 server, its model repository, the Triton export
 * - `cleave/data`: MNIST, Fashion-MNIST, image folders, batches, image files
 * - `cleave/train`: gradients as ONNX graphs, training steps, the trainer
 * - `cleave/interpret`: Grad-CAM, I-SPLIT, bottlenecks at a cut, heatmaps and plots
 * - `cleave/net`: network profiles, analytic model, discrete-event simulator, statistics
 * - `cleave/profile`: device profiles, per-node latency on this machine
 * - `cleave/sparsity`: predefined sparse masks, compact and grouped sparse models, their counts
 *
 * This file only re-exports; each module documents its own exports.
 */

// Errors: one class per failure class, each with a stable `code`.
export { CleaveError, BadModelError, UnsupportedOpError, BadRequestError, CutError, NetworkError, IoError, BadProfileError } from './errors.js';

// ONNX files: decode/encode (weights stay views into the file), external data, tensors.
export { decodeModel, encodeModel } from './onnx/codec.js';
export { readModel, writeModel, MAX_MODEL_BYTES } from './onnx/model-file.js';
export { resolveExternalData } from './onnx/external-data.js';
export { type TensorValue, tensorValue, makeTensor, numelOf, floatToHalf, halfToFloat } from './onnx/tensor.js';
export { type DType, dtypeBytes, dtypeCode, dtypeFromCode, isFloat } from './onnx/dtype.js';
export type { ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto } from './onnx/types.js';

// Graph IR, the tensor vocabulary and the model builder DSL.
export { type Graph, graphFromModel, opsetOf } from './graph/graph.js';
export { type TensorInfo, FLOPS_PER_MAC } from './graph/tensor-meta.js';
export { Attrs } from './graph/attributes.js';
export { ModelBuilder, float, valueInfo, nodeAttribute, type BuilderOptions, type Init, type Dim, type AttrValue } from './graph/builder.js';
export { Random } from './graph/random.js';

// Op rules: shapes, costs, constant folding and gradients per ONNX op.
export { type OpDef, type OpContext, type Cost, type Inputs, differentiableAt } from './ops/op.js';
export type { GradContext } from './ops/grad-context.js';
export { ALL_OPS, findOp, getOp, supportedOps } from './ops/registry.js';

// Analysis: per-node/tensor tables, totals, cut points.
export { analyze, type Analysis, type AnalyzeOptions, type NodeRow, type TensorRow, type Totals, type NodeCounts, type NodeCountHook } from './analysis/analyze.js';
export { inferShapes, type Inference, type ShapeBinding, type NodeIssue } from './analysis/infer.js';
export { type CutPoint, findCutPoints } from './analysis/cut-points.js';
export { suggestCut } from './analysis/suggest.js';
export { analysisJson } from './analysis/report.js';

// Cutting: head.onnx + tail.onnx, verified against the original.
export { cutModel, resolveCut, type CutModels, type ResolvedCut } from './cut/extract.js';
export { verifyCut, referenceOutputs, CUT_RTOL, type Verification, type VerifyOptions, type OutputAgreement } from './cut/verify.js';
export { writeCut, CUT_FILES } from './cut/write.js';
export { cutManifest, type CutManifest } from './cut/manifest.js';

// Runtime: the one place that talks to onnxruntime-node.
export { Session, type RunTensor, type SessionOptions } from './runtime/session.js';
export { randomFeeds } from './runtime/random-feeds.js';

// Reference architectures built with the builder.
export { buildModel, CATALOGUE, catalogueEntry, MODEL_NAMES, type CatalogueEntry } from './models/catalogue.js';
export type { ModelOptions, BatchNormStats } from './models/options.js';
export { parameterCount } from './models/parameters.js';
export * as layers from './models/layers.js';
export { vgg, vgg16, VGG_CONFIGS, type VggDepth, type VggOptions } from './models/vgg.js';
export { resnet, resnet18, resnet50, RESNET_CONFIGS, type ResNetDepth, type ResNetOptions } from './models/resnet.js';
export { mobilenetV2, type MobileNetV2Options } from './models/mobilenet-v2.js';
export { densenet, densenet121, type DenseNetOptions } from './models/densenet.js';
export { inception, GOOGLENET_MODULES, type InceptionOptions } from './models/inception.js';
export { lenet } from './models/lenet.js';
export { smallVgg, type SmallVggOptions } from './models/small-vgg.js';
export { smallCnn } from './models/small-cnn.js';
