// Child process of bench/serve's bare split: the tail behind a raw TCP socket, no protocol at all
// (fixed-size cut tensors in, logits out). It talks to onnxruntime-node directly, bypassing
// cleave on purpose: it is the least any Node + ORT split can cost, a reference for cleave's path.
import { createServer } from 'node:net';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../src/onnx/codec.js';
import { BARE_SESSION_OPTIONS, onFloatMessages } from './bare-split.js';
import { CUT_SHAPE, benchNet } from './bench-net.js';
import { benchArgs } from '../common/args.js';

const { positionals } = benchArgs({
  script: 'bench/serve/bare-server.js',
  description: `Child process of bench/serve's bare split: the tail of the bench model (WIDTH) behind a raw TCP
socket, CUT_BYTES of float32 in, logits out; prints its port.`,
  options: {},
  positionals: { min: 2, max: 2, usage: 'WIDTH CUT_BYTES' },
});
const width = Number(positionals[0]);
const cutBytes = Number(positionals[1]);
if (!Number.isSafeInteger(cutBytes) || cutBytes <= 0 || cutBytes % 4 !== 0) throw new Error(`bare-server: cut bytes must be a positive multiple of 4, got ${positionals[1]}`);
const session = await ort.InferenceSession.create(encodeModel(benchNet('tail', width)), BARE_SESSION_OPTIONS);
const server = createServer((socket) => {
  socket.setNoDelay(true);
  onFloatMessages(socket, cutBytes, (cut) => {
    void session.run({ cut: new ort.Tensor('float32', cut, [...CUT_SHAPE]) }).then((out) => {
      const y = out.logits!.data as Float32Array;
      socket.write(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    });
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a ? a.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
