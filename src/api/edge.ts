/**
 * `cleave/edge`: the edge client, for the browser and Node alike. It runs the head, encodes the
 * tensor at the cut with a codec and sends it to a KServe v2 server (cleave's or Triton), with
 * retries, a local fallback and timings. Nothing reachable from here imports onnxruntime-node,
 * fastify or a `node:` module (a test bundles this file for the browser): bring a runtime
 * (`EdgeRuntime`: onnxruntime-web in the page, `nodeRuntime` from `cleave/edge/node` in Node).
 * This file only re-exports; each module documents its own exports.
 */

// The client: head locally, exits, tail on the server, fallback when the server fails.
export { EdgeClient, argmaxRows, type EdgeClientOptions, type Origin, type PredictOptions, type Prediction, type ReplanOptions, type RetryPolicy, type Timing } from '../edge/client.js';
export type { ClientStats } from '../edge/client-stats.js';
export type { CutRoute } from '../edge/routes.js';

// Early exits on the edge, and re-planning the cut as the measured uplink changes.
export { decideExit, exitConfidence, exitIndexOf, type ExitAnswer, type ExitRule } from '../edge/exit-decision.js';
export { RateEstimator, MAX_RATE_WINDOW, type RateEstimatorOptions } from '../edge/rate-estimator.js';
export { CutTable, type CutCost, type RateBand } from '../edge/cut-table.js';
export { CutSwitcher, type CutSwitch, type SwitchingOptions } from '../edge/cut-switcher.js';
export { parseEdgeConfig, edgeConfigOptions, EDGE_CONFIG_VERSION, MAX_EDGE_CUTS, type EdgeConfig, type EdgeConfigCut, type EdgeConfigExit, type CheckedEdgeConfig, type CheckedEdgeCut } from '../edge/edge-config.js';
export type { EdgeDType, EdgeRuntime, EdgeTensor, ModelRunner } from '../edge/runtime.js';
export { fetchTransport, MAX_REPLY_BYTES, type Transport, type TransportReply } from '../edge/transport.js';
export { CircuitBreaker, type CircuitOptions, type CircuitState } from '../edge/circuit.js';

// Images to the model's input (browser pixels or decoded files).
export { imageToTensor, type RawImage } from '../edge/pixels.js';

// Codecs for the tensor at the cut (the server decodes them by their parameters).
export { CODEC_NAMES, type CodecName } from '../protocol/codec-parameters.js';
export { codecLabel, decodeTensor, encodeTensor, parseCodec, type CodecSpec, type EncodedTensor, type FloatTensor } from '../compress/codec.js';
