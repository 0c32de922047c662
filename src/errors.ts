/**
 * One error class per failure class. Each carries a stable `code` that scripts (and the CLI's
 * exit-code table) rely on; messages say what was wrong and what to do about it.
 */
export class CleaveError extends Error {
  /** Stable machine-readable code, e.g. `BAD_MODEL`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Something cleave's own code guarantees did not hold (an index past the end of an array the
 * code sized, a key missing from a map it filled): a bug in cleave, not in the input. The CLI
 * exits with 1 and asks for a report.
 */
export class InternalError extends CleaveError {
  constructor(message: string) {
    super('INTERNAL', message);
  }
}

/** The model file is not ONNX, is truncated, or is structurally invalid. */
export class BadModelError extends CleaveError {
  /** `code`: a subclass's own, finer one (its exit code stays the bad-model one) */
  constructor(message: string, code = 'BAD_MODEL') {
    super(code, message);
  }
}

/** An operator has no rule in cleave (shape, cost or gradient). */
export class UnsupportedOpError extends CleaveError {
  readonly opType: string;
  readonly nodeName: string;
  readonly opset: number | undefined;
  /** `by`: who lacks it, cleave or the runtime ('ONNX Runtime' for a missing kernel) */
  constructor(opType: string, nodeName: string, opset?: number, what = 'rule', by = 'cleave') {
    super(
      'UNSUPPORTED_OP',
      `operator ${opType} (node "${nodeName}"${opset === undefined ? '' : `, opset ${opset}`}) has no ${what} in ${by}`,
    );
    this.opType = opType;
    this.nodeName = nodeName;
    this.opset = opset;
  }
}

/** The caller asked for something invalid: unknown tensor, bad option, bad request body. */
export class BadRequestError extends CleaveError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}

/** A cut does not separate the graph, or a cut model does not reproduce the original. */
export class CutError extends CleaveError {
  constructor(message: string) {
    super('BAD_CUT', message);
  }
}

/**
 * A model file names a path that leaves its folder (`..`, an absolute path, or a symbolic link
 * resolving outside): refused, since a model is untrusted input and would copy that file.
 */
export class UnsafePathError extends BadModelError {
  constructor(message: string) {
    super(message, 'UNSAFE_PATH');
  }
}

/**
 * A tensor the work needs is larger than the limit (declared or inferred sizes, or a runtime
 * allocation that failed): nothing was allocated for it. The message names the flag that
 * raises the limit.
 */
export class TooLargeError extends CleaveError {
  constructor(message: string) {
    super('TOO_LARGE', message);
  }
}

/**
 * The JavaScript engine's own allocation failures ("Invalid typed array length", "Array buffer
 * allocation failed") as a TooLargeError; anything else unchanged.
 */
export function fromAllocationFailure(e: unknown): unknown {
  if (!(e instanceof RangeError)) return e;
  if (!/typed array length|array buffer allocation|invalid array length|allocation failed/i.test(e.message)) return e;
  return new TooLargeError(`a tensor is too large to allocate (${e.message}); use smaller inputs or a smaller --batch`);
}

/** A network peer failed: refused, timed out, or replied with something malformed. */
export class NetworkError extends CleaveError {
  constructor(message: string) {
    super('NETWORK', message);
  }
}

/** Reading or writing a file failed (permissions, missing directory, disk full). */
export class IoError extends CleaveError {
  constructor(message: string) {
    super('IO', message);
  }
}

/** A device, network or plan profile is malformed or unknown. */
export class BadProfileError extends CleaveError {
  constructor(message: string) {
    super('BAD_PROFILE', message);
  }
}

/** No configuration of a plan's sweep meets the requirements; the message lists the nearest misses. */
export class NoFeasiblePlanError extends CleaveError {
  constructor(message: string) {
    super('NO_FEASIBLE_PLAN', message);
  }
}

/** An IoError for a failed file operation, with the system's reason (ENOENT, EACCES, ...). */
export function ioFailure(action: string, e: unknown): IoError {
  // errors.ts is also bundled for the browser, so no Node types here: a system error has a string `code`.
  const code = (e as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
  return new IoError(`${action}: ${reason}`);
}
