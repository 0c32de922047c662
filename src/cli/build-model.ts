import { BadRequestError } from '../errors.js';
import { buildModel, catalogueListing, MODEL_NAMES } from '../models/catalogue.js';
import { writeModel } from '../onnx/model-file.js';
import { defineCommand } from './command.js';
import { flag, option } from './option-table.js';
import { EXIT } from './exit-codes.js';
import { printJson } from './io.js';
import { integer, positive, text } from './option-types.js';

export const buildModelCommand = defineCommand({
  name: 'build-model',
  summary: 'write a reference architecture (ResNet, VGG, MobileNetV2, ...) as ONNX',
  usage: 'NAME -o FILE [options]',
  description: `Writes a reference architecture, built by cleave with seeded random weights, as an ONNX file.
Models: ${MODEL_NAMES.join(', ')}`,
  args: { min: 0, max: 1, says: 'one model NAME' },
  options: {
    out: option(text, { short: 'o', arg: 'FILE', help: 'the ONNX file to write' }),
    'input-size': option(integer, { check: positive, arg: 'S', help: "square input side (default: the model's own, e.g. 224)" }),
    classes: option(integer, { check: positive, arg: 'K', help: 'number of output classes' }),
    seed: option(integer, { default: 1, check: positive, help: 'seed of the weights' }),
    opset: option(integer, { check: positive, help: 'ONNX opset (default 17)' }),
    list: flag('list the models with their published size'),
  },
  json: 'print the result as JSON',
  examples: ['cleave build-model resnet50 -o resnet50.onnx'],
  async run({ values: v, positionals: [name] }, io) {
    if (v.list) {
      const rows = catalogueListing();
      if (v.json) printJson(io, rows);
      else io.stdout(rows.map((r) => `${r.name.padEnd(12)} ${r.description}\n`).join(''));
      return EXIT.OK;
    }
    if (name === undefined) throw new BadRequestError('build-model takes one model NAME; see `cleave build-model --list`');
    if (v.out === undefined) throw new BadRequestError('build-model needs -o FILE');
    const model = buildModel(name, { inputSize: v['input-size'], numClasses: v.classes, seed: v.seed, opset: v.opset });
    writeModel(v.out, model);
    if (v.json) io.stdout(`${JSON.stringify({ name, file: v.out, nodes: model.graph.node.length })}\n`);
    else io.stdout(`wrote ${v.out} (${name}, ${model.graph.node.length} nodes)\n`);
    return EXIT.OK;
  },
});
