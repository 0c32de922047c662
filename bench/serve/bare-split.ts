// bench/serve's bare split: the head run with onnxruntime-node directly, the cut tensor's raw
// bytes over loopback TCP to bare-server.ts, the logits' raw bytes back. No v2 body, no framing,
// no validation, no cleave: what a Node + ORT split costs before any protocol.
import { spawn } from 'node:child_process';
import { type Socket, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../src/onnx/codec.js';
import { CUT_SHAPE, INPUT_SHAPE, benchNet } from './bench-net.js';
import { firstLine } from './first-line.js';
import { STEADY_JIT_FLAGS } from './steady-jit.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Both halves of the bare split: one thread, as everywhere in bench/serve. */
export const BARE_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3,
};
const CUT_BYTES = 4 * CUT_SHAPE.reduce((a, b) => a * b, 1);
const LOGIT_BYTES = 10 * 4;

/**
 * Calls `take` with each `bytes`-long message arriving on `socket`, as float32s. One message at a time: each side waits for the other's answer before it sends again.
 */
export function onFloatMessages(socket: Socket, bytes: number, take: (m: Float32Array) => void): void {
  let chunks: Buffer[] = [];
  let got = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    got += chunk.length;
    if (got < bytes) return;
    const all = chunks.length === 1 ? chunk : Buffer.concat(chunks);
    chunks = [];
    got = 0;
    // In place when aligned (a socket's chunks are fresh buffers, never reused): no copy, as cleave's server.
    take(all.byteOffset % 4 === 0 ? new Float32Array(all.buffer, all.byteOffset, bytes / 4) : new Float32Array(all.buffer.slice(all.byteOffset, all.byteOffset + bytes)));
  });
}

export interface BareSplit {
  /** head here, cut over the socket, tail there: the logits */
  run(x: Float32Array): Promise<Float32Array>;
  close(): void;
}

export async function startBareSplit(width: number): Promise<BareSplit> {
  const child = spawn(process.execPath, [...STEADY_JIT_FLAGS, join(here, 'bare-server.js'), String(width), String(CUT_BYTES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number(await firstLine(child, 'bare-server'));
  const head = await ort.InferenceSession.create(encodeModel(benchNet('head', width)), BARE_SESSION_OPTIONS);
  const socket: Socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  let waiting: ((y: Float32Array) => void) | undefined;
  onFloatMessages(socket, LOGIT_BYTES, (y) => {
    const w = waiting;
    waiting = undefined;
    w?.(y);
  });
  return {
    run: async (x) => {
      const out = await head.run({ x: new ort.Tensor('float32', x, [...INPUT_SHAPE]) });
      const cut = out.cut!.data as Float32Array;
      const reply = new Promise<Float32Array>((resolve) => { waiting = resolve; });
      socket.write(Buffer.from(cut.buffer, cut.byteOffset, cut.byteLength));
      return reply;
    },
    close: () => {
      socket.destroy();
      child.kill('SIGTERM');
      void head.release();
    },
  };
}
