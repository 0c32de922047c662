import { CleaveError } from '../errors.js';

/** A request names a model (or version) the server does not hold: HTTP 404. */
export class ModelNotFoundError extends CleaveError {
  constructor(message: string) {
    super('MODEL_NOT_FOUND', message);
  }
}

/** The server is shutting down or overloaded: HTTP 503, the client may retry elsewhere. */
export class UnavailableError extends CleaveError {
  constructor(message: string) {
    super('UNAVAILABLE', message);
  }
}

/** ONNX Runtime failed while running a request that passed validation: HTTP 500. */
export class InferenceFailedError extends CleaveError {
  constructor(message: string) {
    super('INFERENCE_FAILED', message);
  }
}
