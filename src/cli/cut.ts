import { cutModel } from '../cut/extract.js';
import { cutManifest } from '../cut/manifest.js';
import { checkReproduces, CUT_RTOL, verifyCut } from '../cut/verify.js';
import { writeCut } from '../cut/write.js';
import { defineCommand } from './command.js';
import { maxTensorBytesOption } from './common-options.js';
import { flag, option } from './option-table.js';
import { EXIT } from './exit-codes.js';
import { bytes } from './format.js';
import { printJson } from './io.js';
import { analyzeFile } from './load.js';
import { inputShapes, integer, list, number, positive, text } from './option-types.js';

export const cutCommand = defineCommand({
  name: 'cut',
  summary: 'split a model into head.onnx + tail.onnx, verified',
  usage: 'MODEL --at T1[,T2...] -o DIR [options]',
  description: `Splits an ONNX model at the given tensors into DIR/head.onnx (inputs -> cut tensors) and
DIR/tail.onnx (cut tensors -> outputs), plus DIR/cut.json. By default both halves are checked:
the original and head->tail run on the same random input in ONNX Runtime and every output
must agree to 1e-5 relative, or the command fails, says by how much, and writes nothing.`,
  args: { min: 1, says: 'one MODEL file' },
  options: {
    at: option(list(text, 'tensor names'), { required: true, repeat: true, arg: 'T1[,T2...]', help: 'tensors to cut at (see `cleave analyze` for the cut points)' }),
    out: option(text, { required: true, short: 'o', arg: 'DIR', help: 'output folder for head.onnx and tail.onnx (created if missing)' }),
    batch: option(integer, { default: 1, check: positive, help: 'batch size for verification and byte counts' }),
    'input-shape': option(inputShapes, { repeat: true, help: 'shape of an input with other symbolic dims' }),
    rtol: option(number, { default: CUT_RTOL, check: positive, help: 'verification tolerance' }),
    'no-verify': flag('skip the verification'),
    'max-tensor-bytes': maxTensorBytesOption,
  },
  json: 'print cut.json and the written files as JSON',
  examples: ['cleave cut resnet18.onnx --at layer2.1.relu2 -o out/'],
  async run({ values: v, positionals: [model] }, io) {
    const analysis = analyzeFile(model, { batch: v.batch, inputShapes: v['input-shape'] });
    const parts = cutModel(analysis, v.at);
    const verification = v['no-verify'] ? undefined : await verifyCut(analysis, parts, { rtol: v.rtol, maxTensorBytes: v['max-tensor-bytes'] });
    if (verification) checkReproduces(verification);
    const manifest = cutManifest(analysis, parts, { model: model, ...(verification ? { verification } : {}) });
    const files = writeCut(v.out, parts, manifest);
    if (v.json) {
      printJson(io, { ...manifest, files });
      return EXIT.OK;
    }
    io.stdout(`cut at ${parts.tensors.join(', ')}: ${bytes(parts.bytes)} cross per inference at batch ${analysis.batch}\n`);
    io.stdout(verification ? `verified: head->tail matches the original (max relative error ${Math.max(...verification.outputs.map((o) => o.relativeError)).toExponential(2)})\n` : 'not verified (--no-verify)\n');
    if (parts.fixedBatch !== undefined) {
      io.stdout(`note: shape arithmetic on the input crosses the cut (${parts.storedValues.slice(0, 3).join(', ')}): the tail runs at batch ${parts.fixedBatch} only; cut with --batch N for another size\n`);
    }
    for (const f of files) io.stdout(`wrote ${f}\n`);
    return EXIT.OK;
  },
});
