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

/** A request body (or its JSON part) is larger than the server takes: HTTP 413. */
export class PayloadTooLargeError extends CleaveError {
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message);
  }
}

/** A request did not arrive whole within the server's request timeout: HTTP 408. */
export class RequestTimeoutError extends CleaveError {
  constructor(message: string) {
    super('REQUEST_TIMEOUT', message);
  }
}
