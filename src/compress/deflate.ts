import { BadRequestError, CleaveError } from '../errors.js';
import { readCapped } from './stream-bytes.js';

/**
 * Lossless deflate (zlib format) through the Compression Streams API, which Node 20 and every
 * current browser provide, so the edge client and the server share one implementation.
 */

function available(): boolean {
  return typeof globalThis.CompressionStream === 'function' && typeof globalThis.DecompressionStream === 'function';
}

export class DeflateUnavailableError extends CleaveError {
  constructor() {
    super('DEFLATE_UNAVAILABLE', 'this runtime has no CompressionStream: use a codec without +deflate');
  }
}

/** A stream's bytes; past `maxBytes` a small body must not inflate into unbounded memory. */
function collect(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  return readCapped(stream, maxBytes, () => new BadRequestError(`deflated data inflates to more than the ${maxBytes} bytes its shape allows`));
}

function source(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  if (!available()) throw new DeflateUnavailableError();
  return collect(source(bytes).pipeThrough(new CompressionStream('deflate') as unknown as TransformStream<Uint8Array, Uint8Array>), Number.MAX_SAFE_INTEGER);
}

/** Inflates `bytes`, failing once more than `maxBytes` come out or when the data is not valid deflate. */
export async function inflate(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  if (!available()) throw new DeflateUnavailableError();
  try {
    return await collect(source(bytes).pipeThrough(new DecompressionStream('deflate') as unknown as TransformStream<Uint8Array, Uint8Array>), maxBytes);
  } catch (e) {
    if (e instanceof CleaveError) throw e;
    throw new BadRequestError(`deflated data is corrupt (${(e as Error).message})`);
  }
}
