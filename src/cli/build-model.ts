import { BadRequestError } from '../errors.js';
import { CATALOGUE } from '../models/catalogue.js';
import { buildModel } from '../models/catalogue.js';
import { writeModel } from '../onnx/model-file.js';
import { parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { type CliIo, printHelp } from './io.js';

export const BUILD_MODEL_HELP = `Usage: cleave build-model NAME -o FILE [options]

Writes a reference architecture, built by cleave with seeded random weights, as an ONNX file.
Models: ${CATALOGUE.map((e) => e.name).join(', ')}

Options:
  -o, --out FILE       the ONNX file to write
  --input-size S       square input side (default: the model's own, e.g. 224)
  --classes K          number of output classes
  --seed N             seed of the weights (default 1)
  --opset N            ONNX opset (default 17)
  --list               list the models with their published size
  --json               print the result as JSON
  -h, --help           show this help

Example:
  cleave build-model resnet50 -o resnet50.onnx
`;

export async function runBuildModel(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    'input-size': { type: 'string' },
    classes: { type: 'string' },
    seed: { type: 'string' },
    opset: { type: 'string' },
    list: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'build-model');
  if (values.help) return printHelp(io, BUILD_MODEL_HELP);
  if (values.list) {
    const rows = CATALOGUE.map((e) => ({ name: e.name, description: e.description, input: e.input, params: e.params ?? null, macs: e.macs ?? null }));
    io.stdout(values.json ? `${JSON.stringify(rows, null, 2)}\n` : rows.map((r) => `${r.name.padEnd(12)} ${r.description}\n`).join(''));
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw new BadRequestError('build-model takes one model NAME; see `cleave build-model --list`');
  if (!values.out) throw new BadRequestError('build-model needs -o FILE');
  const name = positionals[0] as string;
  const model = buildModel(name, {
    inputSize: values['input-size'] === undefined ? undefined : positiveInt(values['input-size'], 'input-size', 1),
    numClasses: values.classes === undefined ? undefined : positiveInt(values.classes, 'classes', 1),
    seed: positiveInt(values.seed, 'seed', 1),
    opset: values.opset === undefined ? undefined : positiveInt(values.opset, 'opset', 17),
  });
  writeModel(values.out, model);
  if (values.json) io.stdout(`${JSON.stringify({ name, file: values.out, nodes: model.graph.node.length })}\n`);
  else io.stdout(`wrote ${values.out} (${name}, ${model.graph.node.length} nodes)\n`);
  return EXIT.OK;
}
