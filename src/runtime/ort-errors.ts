import { BadModelError, BadRequestError, type CleaveError, TooLargeError, UnsupportedOpError } from '../errors.js';

/**
 * ONNX Runtime's failures as cleave's error classes. ORT throws plain Errors whose first line
 * often starts with the C++ source position and function signature
 * ("/onnxruntime_src/.../bfc_arena.cc:360 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, ...) Failed to ...");
 * those are cut so that the message says what failed, not where in ORT.
 */

/** Drops ORT's "<file>:<line> <C++ signature>" prefixes, wherever they appear. */
export function ortReason(message: string): string {
  let out = '';
  let rest = message.trim();
  for (;;) {
    const at = rest.search(/\/onnxruntime_src\/\S+:\d+ /);
    if (at < 0) return (out + rest).replace(/\s+/g, ' ').trim();
    out += rest.slice(0, at);
    rest = rest.slice(at).replace(/^\S+ /, '');
    // A C++ signature ("void* ns::f(a, g(b)) const") ends at the parenthesis closing its first one.
    if (!/^[\w:<>*&, ~]+\(/.test(rest)) continue;
    let depth = 0;
    for (let i = rest.indexOf('('); i < rest.length; i++) {
      if (rest[i] === '(') depth++;
      else if (rest[i] === ')' && --depth === 0) {
        rest = rest.slice(i + 1).replace(/^ const\b/, '').trimStart();
        break;
      }
    }
  }
}

const ALLOCATION = /failed to allocate memory|bad_alloc|std::length_error|out of memory|invalid typed array length|array buffer allocation failed/i;

/** An ORT failure to create a session from a model. */
export function ortLoadFailure(e: unknown): CleaveError {
  const reason = ortReason(e instanceof Error ? e.message : String(e));
  if (ALLOCATION.test(reason)) return new TooLargeError(`ONNX Runtime ran out of memory loading the model: ${reason}`);
  // "Could not find an implementation for Relu(1) node with name 'relu'": a kernel ORT lacks.
  const kernel = /Could not find an implementation for (\S+)\((\d+)\) node with name '([^']*)'/.exec(reason);
  if (kernel) return new UnsupportedOpError(kernel[1]!, kernel[3]!, Number(kernel[2]), 'kernel', 'ONNX Runtime'); // the pattern has three groups, all matched when it matches
  return new BadModelError(`ONNX Runtime cannot load the model: ${reason}`);
}

/** An ORT failure while running a session. */
export function ortRunFailure(e: unknown): CleaveError {
  const reason = ortReason(e instanceof Error ? e.message : String(e));
  if (ALLOCATION.test(reason)) {
    return new TooLargeError(`ONNX Runtime ran out of memory running the model (${reason}); the model asks for tensors larger than this machine holds`);
  }
  // The inputs did not fit the model's declared inputs: what the caller fed was wrong.
  if (/invalid dimensions for input|Unexpected input data type|input '[^']*' is missing|Invalid input name|invalid rank for input/i.test(reason)) {
    return new BadRequestError(`ONNX Runtime refused the inputs: ${reason}`);
  }
  const node = /running (\S+) node\. Name:'([^']*)' Status Message: (.*)$/s.exec(reason);
  if (node) return new BadModelError(`ONNX Runtime failed running node "${node[2]}" (${node[1]}): ${node[3]}`);
  return new BadModelError(`ONNX Runtime failed running the model: ${reason}`);
}
