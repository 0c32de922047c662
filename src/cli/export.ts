import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BadRequestError } from '../errors.js';
import { readModel } from '../onnx/model-file.js';
import { writeTritonRepository } from '../package/triton.js';
import { parse } from './args.js';
import { EXIT } from './exit-codes.js';
import { type CliIo, printHelp } from './io.js';

export const EXPORT_HELP = `Usage: cleave export triton DIR|MODEL -o OUT [options]

Writes a Triton model repository for the tail (OUT/NAME/config.pbtxt with platform
onnxruntime_onnx, inputs, outputs, dims and max_batch_size, plus OUT/NAME/1/model.onnx) and a
KServe InferenceService manifest (OUT/inference-service.yaml) that runs it on Triton with the
v2 protocol, so \`cleave run\` can talk to Triton or KServe when one server is not enough.
DIR is a cut folder (its tail.onnx is exported).

Options:
  -o, --out OUT          output folder (the model repository root)
  --name NAME            model name (default tail)
  --max-batch-size N     Triton max_batch_size; 0 turns batching off (default 8)
  --storage-uri URI      where KServe finds the repository (default pvc://models)
  --json                 print the written files and config as JSON
  -h, --help             show this help

Example:
  cleave export triton out/ -o triton-repo --storage-uri gs://my-bucket/triton-repo
`;

export async function runExport(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    name: { type: 'string' },
    'max-batch-size': { type: 'string' },
    'storage-uri': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'export');
  if (values.help) return printHelp(io, EXPORT_HELP);
  const [target, source, ...rest] = positionals;
  if (target !== 'triton') throw new BadRequestError(`export knows one target, triton; got ${target === undefined ? 'none' : `"${target}"`}`);
  if (!source || rest.length) throw new BadRequestError('export triton takes one cut folder or model file');
  if (!values.out) throw new BadRequestError('export triton needs -o OUT');
  let path = source;
  try {
    if (statSync(source).isDirectory()) path = join(source, 'tail.onnx');
  } catch {
    // readModel reports the missing file
  }
  const maxBatch = values['max-batch-size'] === undefined ? 8 : Number(values['max-batch-size']);
  const model = readModel(path);
  const result = writeTritonRepository(values.out, values.name ?? 'tail', model, new Uint8Array(readFileSync(path)), {
    maxBatchSize: maxBatch,
    ...(values['storage-uri'] ? { storageUri: values['storage-uri'] } : {}),
  });
  const files = result.files.map((f) => join(values.out as string, f));
  if (values.json) io.stdout(`${JSON.stringify({ files, config: result.config }, null, 2)}\n`);
  else {
    io.stdout(`Triton model "${result.config.name}" (max_batch_size ${result.config.maxBatchSize}, ${result.config.inputs.length} input, ${result.config.outputs.length} output)\n`);
    for (const f of files) io.stdout(`wrote ${f}\n`);
  }
  return EXIT.OK;
}
