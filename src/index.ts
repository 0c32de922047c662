/**
 * cleave's public API. This file only re-exports; each module documents its own exports.
 */

// Errors: one class per failure class, each with a stable `code`.
export { CleaveError, BadModelError, UnsupportedOpError, BadRequestError, CutError, NetworkError, IoError, BadProfileError } from './errors.js';

// ONNX files: decode/encode (weights stay views into the file), external data, tensors.
export { decodeModel, encodeModel } from './onnx/codec.js';
export { readModel, writeModel, writeFileAtomic, MAX_MODEL_BYTES } from './onnx/model-file.js';
export { resolveExternalData } from './onnx/external-data.js';
export { type TensorValue, tensorValue, makeTensor, numelOf, floatToHalf, halfToFloat } from './onnx/tensor.js';
export { type DType, dtypeBytes, dtypeCode, dtypeFromCode, isFloat } from './onnx/dtype.js';
export type { ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto } from './onnx/types.js';

// Graph IR and the model builder DSL.
export { type Graph, graphFromModel, opsetOf } from './graph/graph.js';
export { Attrs } from './graph/attributes.js';
export { ModelBuilder, float, valueInfo, nodeAttribute, type BuilderOptions, type Init, type Dim, type AttrValue } from './graph/builder.js';
export { Random } from './graph/random.js';

// Op rules: shapes, costs, constant folding (and gradients) per ONNX op.
export { type OpDef, type OpContext, type TensorInfo, type Cost, type Inputs, differentiableAt } from './ops/op.js';
export { ALL_OPS, findOp, getOp, supportedOps } from './ops/registry.js';

// Analysis: per-node/tensor tables, totals, cut points.
export { analyze, type Analysis, type AnalyzeOptions, type NodeRow, type TensorRow, type Totals } from './analysis/analyze.js';
export { inferShapes, type Inference, type ShapeBinding, type NodeIssue } from './analysis/infer.js';
export { type CutPoint, findCutPoints } from './analysis/cut-points.js';
export { suggestCut } from './analysis/suggest.js';
export { analysisJson } from './analysis/report.js';
export { FLOPS_PER_MAC } from './analysis/flops.js';

// Cutting: head.onnx + tail.onnx, verified against the original.
export { cutModel, resolveCut, closestNames, type CutModels, type ResolvedCut } from './cut/extract.js';
export { verifyCut, referenceOutputs, CUT_RTOL, type Verification, type VerifyOptions, type OutputAgreement } from './cut/verify.js';
export { writeCut, CUT_FILES } from './cut/write.js';

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

// Gradients as ONNX graphs, training on ORT, Grad-CAM, image I/O.
export { buildGradientModel, type GradientModel, type GradientRequest, type GradSeed } from './autodiff/backward.js';
export { liftInitializers } from './autodiff/lift.js';
export { optimiseForOrt, type OrtOptimiseOptions } from './passes/optimise.js';
export type { GradContext } from './ops/grad-context.js';
export { buildTrainStep, LABELS_INPUT, type BufferSlot, type ParamSlot, type TrainStep, type TrainStepOptions } from './train/train-step.js';
export { Trainer, type StepResult, type TrainerOptions } from './train/trainer.js';
export { fit, type EpochStats, type FitOptions, type FitResult } from './train/fit.js';
export type { AdamSpec, OptimizerSpec, SgdSpec } from './train/optimizers.js';
export { FASHION_CLASSES, loadDataset, loadFashionMnist, loadMnist, type ImageDataset, type LoadOptions, type Split } from './train/datasets.js';
export { batches, checkLabels, makeBatch, oneHot, PIXEL_SCALE, type Batch, type BatchOptions } from './train/batches.js';
export { buildGradCamModel, type CamLayer, type GradCamModel, type GradCamOptions } from './interpret/gradcam.js';
export { GradCam, type CamMaps, type GradCamResult } from './interpret/gradcam-run.js';
export { decodeImage, encodePng, sniffImage, type RgbaImage } from './image/decode.js';
export { imageToTensor, resizeBilinear, type Normalisation } from './image/transform.js';
export { jet, normaliseMap, overlayHeatmap } from './image/heatmap.js';
export { parseNpy, parseRawFloat32 } from './image/npy.js';

// I-SPLIT: cut points ranked by Grad-CAM saliency; bottlenecks retrained at a cut.
export { isplit, isplitLayers, rankCuts, scanSaliency, type CutScore, type IsplitLayer, type IsplitOptions, type IsplitRanking, type RankOptions, type SaliencyScan } from './interpret/isplit.js';
export { averageRanks, localMaxima, pearson, spearman } from './interpret/isplit-stats.js';
export { exposeDenseAsMaps, type DenseView } from './interpret/isplit-dense.js';
export { loadImages, modelInputChw, readClassifier } from './interpret/isplit-data.js';
export { insertBottleneck, type Bottleneck, type BottleneckOptions } from './bottleneck/insert.js';
export { tailWeights, trainBottleneck, type BottleneckResult, type BottleneckTrainOptions } from './bottleneck/train.js';
export { accuracyOf, type Accuracy, type AccuracyOptions } from './bottleneck/evaluate.js';
export { loadImageFolder, splitFolder, type ImageFolderOptions } from './train/image-folder.js';
export { isplitPlotSvg, type PlotCut, type PlotOptions } from './report/isplit-plot.js';

// Network: profiles, analytic model, discrete-event simulator.
export { EventCore, type EventHandler, type EventObserver } from './net/event-core.js';
export { Random as SimRandom } from './net/random.js';
export { Link, type LinkOptions, type LinkStats } from './net/link.js';
export { TcpConnection, mssForMtu, type TcpOptions, type TcpEvents } from './net/tcp.js';
export { makeCongestionControl, CONGESTION_CONTROLS, type CongestionControl, type CongestionControlName } from './net/congestion.js';
export { type PathSpec, checkPath, defaultQueueBytes } from './net/path.js';
export { estimateTransfer, type TransferEstimate, type TransferModelOptions } from './net/analytic.js';
export { estimateSplitLatency, type ConnectionState, type SplitFrame, type ServerLoad, type SplitLatencyEstimate } from './net/split-latency.js';
export { waitMM1, waitMD1, waitMMk, waitMDk, erlangC } from './net/queueing.js';
export { ServerQueue, type ServerStats } from './net/server-queue.js';
export { simulateTransfer, simulateTransferStats, type TransferSimOptions, type TransferSimResult, type TransferSimStats } from './net/transfer-sim.js';
export { simulateScenario, percentiles, type ScenarioOptions, type ScenarioResult, type Percentiles } from './net/scenario.js';
export { NETWORK_PROFILES, getNetworkProfile, networkProfileNames, checkNetworkProfile, parseNetworkProfile, pathFromProfile, radioEnergyJ, type NetworkProfile } from './net/profiles.js';
export { parseBytes, parseBitRate, parseDurationMs, parsePercent } from './net/units.js';

// Devices: profiles, roofline latency, energy.
export { estimateNodeLatencyMs, calibrateDevice, estimateEnergyJ, checkDeviceProfile, parseDeviceProfile, OP_CLASSES, type DeviceProfile, type OpClass, type EnergyEstimate } from './profile/device-profile.js';
export { DEVICE_CATALOGUE, getDevice, deviceNames } from './profile/device-catalogue.js';
export { estimateCut, type CutEstimate } from './profile/cut-estimate.js';

// Profiling on this machine: per-node latency (ORT profiler), head/tail per cut, measured device profile.
export { profileModel, recordOrtTrace, pickCuts, withUniqueNodeNames, type ProfileOptions, type ModelProfile, type CutProfile, type MeasuredCut, type OptimizedKernels } from './profile/profile-model.js';
export { parseOrtTrace, type TraceRun, type TraceKernel } from './profile/ort-trace.js';
export { attributeKernels, nodeForKernel, type NodeLatency, type UnmappedKernel, type KernelAttribution } from './profile/node-times.js';
export { cutLatencies, type CutLatency } from './profile/cut-latency.js';
export { measuredDevice, deviceProfileOf, opClassThroughput, opTypeTimes, nodeBandwidthGBps, rooflineModelMs, MEASURED_FORMAT, type MeasuredDevice, type MeasuredSection, type OpClassThroughput, type OpTypeTime, type NodeRecord, type DeviceOptions } from './profile/measured-device.js';
export { machineFacts, measureCopyBandwidthGBps, type MachineFacts } from './profile/machine.js';
export { summarize, quantile, median, type LatencyStats } from './profile/stats.js';
export { opClassOf } from './profile/op-class.js';

// Serving (KServe v2), codecs at the cut, edge client, Triton export.
export { startServer, type RunningServer, type ServerOptions } from './serve/server.js';
export { serveModels, type ServeOptions, type ServeResult } from './serve/serve-models.js';
export { ServedModel, type ModelMetadata, type ServedModelOptions } from './serve/served-model.js';
export { loadModels, modelSources, type ModelSource } from './serve/repository.js';
export { type TensorMeta, modelSignature } from './serve/metadata.js';
export { type V2Datatype, type TensorData } from './serve/datatypes.js';
export { type InferRequest, type InferResponse, type WireTensor, decodeInferRequest, decodeInferResponse, encodeInferRequest, encodeInferResponse } from './serve/v2-wire.js';
export { ModelNotFoundError, UnavailableError, InferenceFailedError } from './serve/errors.js';
export { type Frame, type RequestFrame, type ReplyFrame, FrameReader, encodeRequestFrame, requestFramePrefix, encodeReplyFrame, parseInferPath } from './serve/stream-frame.js';
export { type CodecName, type CodecSpec, type EncodedTensor, CODEC_NAMES, parseCodec, codecLabel, encodeTensor, decodeTensor } from './compress/codec.js';
export { EdgeClient, type EdgeClientOptions, type Prediction, type Origin, type RetryPolicy, argmaxRows } from './edge/client.js';
export { type EdgeRuntime, type ModelRunner, type EdgeTensor } from './edge/runtime.js';
export { nodeRuntime, loadRunner } from './edge/node-runtime.js';
export { nodeTransport, nodeGet } from './edge/node-transport.js';
export { streamTransport } from './edge/stream-transport.js';
export { type Transport, type TransportReply, fetchTransport } from './edge/transport.js';
export { runLoopbackDemo, runLoopbackDemoOnDataset, formatLoopbackReport, DEFAULT_DEMO_CODECS, type LoopbackDemoOptions, type DatasetDemoOptions, type LoopbackDemoReport, type CodecResult } from './edge/loopback-demo.js';
export { writeTritonRepository, tritonConfig, renderConfig, kserveManifest, type TritonConfig } from './package/triton.js';
export { parsePbtxt, type PbMessage } from './package/pbtxt.js';
