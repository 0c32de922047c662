/**
 * `cleave/edge/node`: what the edge client needs in Node and a browser lacks: the head run by
 * onnxruntime-node, HTTP(S) through node:http with kept-alive connections, the framed TCP
 * stream transport, and edge configs read from files. Use them with `EdgeClient` from `cleave/edge`.
 * This file only re-exports; each module documents its own exports.
 */

export { loadRunner, nodeRuntime } from '../edge/node-runtime.js';
export { loadEdgeConfig, MAX_EDGE_CONFIG_BYTES, type LoadedEdgeConfig } from '../edge/node-edge-config.js';
export { nodeTransport } from '../edge/node-transport.js';
export { streamTransport } from '../edge/stream-transport.js';
