/**
 * `cleave/serve`: the KServe v2 server for the tail (fastify; HTTP and the framed TCP stream),
 * its model repository and errors, and the export of a tail as a Triton model repository.
 * This file only re-exports; each module documents its own exports.
 */

export { startServer, type RunningServer, type ServerOptions } from '../serve/server.js';
export { serveModels, type ServeOptions, type ServeResult } from '../serve/serve-models.js';
export { ServedModel, type ModelMetadata, type ServedModelOptions } from '../serve/served-model.js';
export { loadModels, modelSources, type ModelSource } from '../serve/repository.js';
export { modelSignature, type TensorMeta } from '../serve/metadata.js';
export { InferenceFailedError, ModelNotFoundError, PayloadTooLargeError, RequestTimeoutError, UnavailableError } from '../serve/errors.js';
export {
  DEFAULT_BODY_LIMIT_BYTES, DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_JSON_LIMIT_BYTES, DEFAULT_MAX_CONNECTIONS,
  DEFAULT_PENDING_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, type ConnectionLimits,
} from '../serve/limits.js';

// Triton: the tail as a model repository, and its config format.
export { kserveManifest, renderConfig, tritonConfig, writeTritonRepository, type TritonConfig } from '../package/triton.js';
export { parsePbtxt, type PbMessage } from '../package/pbtxt.js';
