/**
 * `cleave/protocol`: what travels between the edge and the server, for writing another client
 * or server: the KServe v2 / Open Inference Protocol bodies (JSON and the binary tensor
 * extension) and cleave's framed TCP stream. Browser-safe.
 * This file only re-exports; each module documents its own exports.
 */

export type { TensorData, V2Datatype } from '../protocol/datatypes.js';
export { decodeInferRequest, decodeInferResponse, encodeInferRequest, encodeInferResponse, type InferRequest, type InferResponse, type WireTensor } from '../protocol/v2-wire.js';
export { FrameReader, FrameStreamError, encodeReplyFrame, encodeRequestFrame, parseInferPath, requestFramePrefix, type Frame, type ReplyFrame, type RequestFrame } from '../protocol/stream-frame.js';
export { SERVER_MS_PARAMETER, TIMING_REQUEST_PARAMETER, serverMsOf, wantsServerTime } from '../protocol/server-time.js';
