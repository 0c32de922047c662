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

/** The model file is not ONNX, is truncated, or is structurally invalid. */
export class BadModelError extends CleaveError {
  constructor(message: string) {
    super('BAD_MODEL', message);
  }
}

/** An operator has no rule in cleave (shape, cost or gradient). */
export class UnsupportedOpError extends CleaveError {
  readonly opType: string;
  readonly nodeName: string;
  readonly opset: number | undefined;
  constructor(opType: string, nodeName: string, opset?: number, what = 'rule') {
    super(
      'UNSUPPORTED_OP',
      `operator ${opType} (node "${nodeName}"${opset === undefined ? '' : `, opset ${opset}`}) has no ${what} in cleave`,
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
