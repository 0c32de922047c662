// bench/serve's raw stream client: the head run with onnxruntime-node directly, then a request
// frame to cleave's stream port whose v2 JSON header is built once (only the cut bytes change
// between requests), and the reply frame awaited, its body not decoded. No edge client:
// next to the edge client's path it prices cleave's client side, next to the bare split the
// server side.
import { type Socket, connect } from 'node:net';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../src/onnx/codec.js';
import { FrameReader, type ReplyFrame, requestFramePrefix } from '../../src/protocol/stream-frame.js';
import { decodeInferResponse, encodeInferRequest } from '../../src/protocol/v2-wire.js';
import { BARE_SESSION_OPTIONS } from './bare-split.js';
import { CUT_SHAPE, INPUT_SHAPE, benchNet } from './bench-net.js';

export interface RawStreamClient {
  /** head here, one request frame, the reply frame back (its body not decoded) */
  run(x: Float32Array): Promise<ReplyFrame>;
  close(): void;
}

/** The logits in a reply frame from `run` (checked outside the timed path, with cleave's decoder). */
export function rawReplyLogits(frame: ReplyFrame): Float32Array {
  if (frame.status !== 200) throw new Error(`raw stream client: status ${frame.status}: ${new TextDecoder().decode(frame.body)}`);
  return decodeInferResponse(frame.body, frame.headerLength).outputs[0]?.data as Float32Array;
}

export async function startRawStreamClient(streamUrl: string, model: string, width: number): Promise<RawStreamClient> {
  const head = await ort.InferenceSession.create(encodeModel(benchNet('head', width)), BARE_SESSION_OPTIONS);
  const url = new URL(streamUrl);
  const socket: Socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const count = CUT_SHAPE.reduce((a, b) => a * b, 1);
  const template = encodeInferRequest({ id: 'raw', inputs: [{ name: 'cut', datatype: 'FP32', shape: CUT_SHAPE, data: new Float32Array(count) }], parameters: { binary_data_output: true } });
  const header = template.body.subarray(0, template.headerLength);
  const prefix = requestFramePrefix(1, `/v2/models/${model}/infer`, template.body.length, template.headerLength);
  const reader = new FrameReader(1 << 20);
  let waiting: ((frame: ReplyFrame) => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const f of reader.push(chunk)) {
      if (f.kind !== 'reply') throw new Error('raw stream client: the server sent a request frame');
      const w = waiting;
      waiting = undefined;
      w?.(f);
    }
  });
  return {
    run: async (x) => {
      const out = await head.run({ x: new ort.Tensor('float32', x, [...INPUT_SHAPE]) });
      const cut = out.cut!.data as Float32Array;
      const reply = new Promise<ReplyFrame>((resolve) => { waiting = resolve; });
      socket.cork();
      socket.write(prefix);
      socket.write(header);
      socket.write(Buffer.from(cut.buffer, cut.byteOffset, cut.byteLength));
      socket.uncork();
      return reply;
    },
    close: () => {
      socket.destroy();
      void head.release();
    },
  };
}
