import { resolve } from 'node:path';
import { cutModel } from '../cut/extract.js';
import { verifyCut } from '../cut/verify.js';
import { writeCut } from '../cut/write.js';
import { BadRequestError, CutError } from '../errors.js';
import { inputShapes, parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { bytes } from './format.js';
import { type CliIo, printHelp } from './io.js';
import { analyzeFile } from './load.js';

export const CUT_HELP = `Usage: cleave cut MODEL --at T1[,T2...] -o DIR [options]

Splits an ONNX model at the given tensors into DIR/head.onnx (inputs -> cut tensors) and
DIR/tail.onnx (cut tensors -> outputs), plus DIR/cut.json. By default both halves are checked:
the original and head->tail run on the same random input in ONNX Runtime and every output
must agree to 1e-5 relative, or the command fails, says by how much, and writes nothing.

Options:
  --at T1[,T2...]      tensors to cut at (see \`cleave analyze\` for the cut points)
  -o, --out DIR        output folder (created if missing)
  --batch N            batch size for verification and byte counts (default 1)
  --input-shape N=S    shape of an input with other symbolic dims (repeatable)
  --rtol X             verification tolerance (default 1e-5)
  --no-verify          skip the verification
  --json               print the result as JSON
  -h, --help           show this help

Example:
  cleave cut resnet18.onnx --at layer2.1.relu2 -o out/
`;

export async function runCut(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    at: { type: 'string', multiple: true },
    out: { type: 'string', short: 'o' },
    batch: { type: 'string' },
    'input-shape': { type: 'string', multiple: true },
    rtol: { type: 'string' },
    'no-verify': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'cut');
  if (values.help) return printHelp(io, CUT_HELP);
  if (positionals.length !== 1) throw new BadRequestError('cut takes one MODEL file; see `cleave cut --help`');
  const at = (values.at ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (at.length === 0) throw new BadRequestError('cut needs --at TENSOR[,TENSOR...]');
  if (!values.out) throw new BadRequestError('cut needs -o DIR, the folder for head.onnx and tail.onnx');
  const rtol = values.rtol === undefined ? undefined : Number(values.rtol);
  if (rtol !== undefined && !(rtol > 0)) throw new BadRequestError(`--rtol must be a positive number, got "${values.rtol}"`);
  const model = positionals[0] as string;
  const analysis = analyzeFile(model, { batch: positiveInt(values.batch, 'batch', 1), inputShapes: inputShapes(values['input-shape']) });
  const parts = cutModel(analysis, at);
  const verification = values['no-verify'] ? undefined : await verifyCut(analysis, parts, { rtol });
  if (verification && !verification.ok) {
    const worst = verification.outputs.reduce((a, b) => (b.relativeError > a.relativeError ? b : a));
    throw new CutError(`the cut does not reproduce the model: output "${worst.output}" differs by ${worst.relativeError.toExponential(2)} relative (max abs ${worst.maxAbsError.toExponential(2)}), above ${verification.rtol}`);
  }
  const point = analysis.cutPoints.find((c) => c.tensors.join() === parts.tensors.join());
  const manifest = {
    model: resolve(model),
    tensors: parts.tensors,
    bytes: parts.bytes,
    batch: analysis.batch,
    headFlops: point?.headFlops,
    tailFlops: point?.tailFlops,
    fixedBatch: parts.fixedBatch ?? null,
    verification: verification ?? null,
  };
  const files = writeCut(values.out, parts, manifest);
  if (values.json) io.stdout(`${JSON.stringify({ ...manifest, files }, null, 2)}\n`);
  else {
    io.stdout(`cut at ${parts.tensors.join(', ')}: ${bytes(parts.bytes)} cross per inference at batch ${analysis.batch}\n`);
    io.stdout(verification ? `verified: head->tail matches the original (max relative error ${Math.max(...verification.outputs.map((o) => o.relativeError)).toExponential(2)})\n` : 'not verified (--no-verify)\n');
    if (parts.fixedBatch !== undefined) {
      io.stdout(`note: shape arithmetic on the input crosses the cut (${parts.storedValues.slice(0, 3).join(', ')}): the tail runs at batch ${parts.fixedBatch} only; cut with --batch N for another size\n`);
    }
    for (const f of files) io.stdout(`wrote ${f}\n`);
  }
  return EXIT.OK;
}
