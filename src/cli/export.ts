import { join } from 'node:path';
import { cutHalfPath } from '../cut/write.js';
import { BadRequestError } from '../errors.js';
import { readModel } from '../onnx/model-file.js';
import { writeTritonRepository } from '../package/triton.js';
import { defineCommand } from './command.js';
import { option } from './option-table.js';
import { EXIT } from './exit-codes.js';
import { printJson, readBytes } from './io.js';
import { atLeast, integer, text } from './option-types.js';

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'export the tail as a Triton model repository + KServe InferenceService',
  usage: 'triton DIR|MODEL -o OUT [options]',
  description: `Writes a Triton model repository for the tail (OUT/NAME/config.pbtxt with platform
onnxruntime_onnx, inputs, outputs, dims and max_batch_size, plus OUT/NAME/1/model.onnx) and a
KServe InferenceService manifest (OUT/inference-service.yaml) that runs it on Triton with the
v2 protocol, so \`cleave run\` can talk to Triton or KServe when one server is not enough.
DIR is a cut folder (its tail.onnx is exported).`,
  args: { min: 2, says: 'a target (triton) and one cut folder or model file' },
  options: {
    out: option(text, { required: true, short: 'o', arg: 'OUT', help: 'output folder (the model repository root)' }),
    name: option(text, { default: 'tail', arg: 'NAME', help: 'model name' }),
    'max-batch-size': option(integer, { default: 8, check: atLeast(0), help: 'Triton max_batch_size; 0 turns batching off' }),
    'storage-uri': option(text, { arg: 'URI', help: 'where KServe finds the repository (default pvc://models)' }),
  },
  json: 'print the written files and config as JSON',
  examples: ['cleave export triton out/ -o triton-repo --storage-uri gs://my-bucket/triton-repo'],
  async run({ values: v, positionals: [target, source] }, io) {
    if (target !== 'triton') throw new BadRequestError(`export knows one target, triton; got "${target}"`);
    const path = cutHalfPath(source, 'tail');
    const model = readModel(path);
    const result = writeTritonRepository(v.out, v.name, model, readBytes(path), {
      maxBatchSize: v['max-batch-size'],
      ...(v['storage-uri'] ? { storageUri: v['storage-uri'] } : {}),
    });
    const files = result.files.map((f) => join(v.out, f));
    if (v.json) printJson(io, { files, config: result.config });
    else {
      io.stdout(`Triton model "${result.config.name}" (max_batch_size ${result.config.maxBatchSize}, ${result.config.inputs.length} input, ${result.config.outputs.length} output)\n`);
      for (const f of files) io.stdout(`wrote ${f}\n`);
    }
    return EXIT.OK;
  },
});
