/** `cleave exits train`: train a model's exits, on a frozen backbone or jointly. */
import { BadRequestError } from '../errors.js';
import { exitLogits } from '../exits/exit-logits.js';
import { exitAccuracies, sampleMatrix } from '../exits/policy.js';
import { trainExits } from '../exits/train-exits.js';
import { loadImages } from '../interpret/isplit-data.js';
import { readModel, writeModel } from '../onnx/model-file.js';
import { defineCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { table } from './format.js';
import { printJson } from './io.js';
import { flag, option } from './option-table.js';
import { each, list, number, positive, text } from './option-types.js';
import { exitsDataOption } from './exits-options.js';
import { fitSettings, TRAINING_OPTIONS } from './training-options.js';
import { trainingProgress } from './training-progress.js';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export const exitsTrainCommand = defineCommand({
  name: 'exits train',
  summary: "train a model's exits (backbone frozen, or jointly with the backbone)",
  usage: 'MODEL --data SRC [--joint] [--weights W1,W2,...] -o OUT.onnx [options]',
  description: `Trains the exit branches of a model written by \`cleave exits add\` with cleave's trainer (one
training step is one ONNX Runtime run). By default the backbone is frozen: only the branches
learn, the backbone's BatchNormalization and Dropout run as at inference, and the backbone's
weights and main output stay bit-identical; the loss is sum_k w_k CE(exit_k) (w_k = 1 unless
--weights). With --joint every weight learns on sum_k w_k CE(exit_k) + w_main CE(main), the
BranchyNet loss, with the weights linspace(0.15, 1) over the exits then the main output unless
--weights. After training, the accuracy of each exit and of the main output on the test images.`,
  args: { min: 1, says: 'one MODEL file with exits' },
  options: {
    data: exitsDataOption,
    out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'where to write the trained model' }),
    joint: flag('train the backbone too, on the joint loss'),
    weights: option(list(number), { check: each(positive), arg: 'W1,W2', help: 'loss weights: one per exit, then (with --joint) the main output' }),
    ...TRAINING_OPTIONS,
  },
  json: 'print the per-epoch figures and the accuracies as JSON',
  examples: ['cleave exits train vgg-exits.onnx --data fashion-mnist --epochs 2 -o vgg-exits-trained.onnx', 'cleave exits train lenet-exits.onnx --data mnist --joint --weights 0.3,1 -o lenet-joint.onnx'],
  async run({ values: v, positionals: [file] }, io) {
    // Bounds: the accuracies have one entry per exit of the structure.
    const model = readModel(file);
    const train = loadImages(v.data, 'train', model, v.limit).data;
    const test = loadImages(v.data, 'test', model, v['test-limit']).data;
    if (train.count < v.batch) throw new BadRequestError(`${train.count} training images are fewer than one batch of ${v.batch}`);
    const result = await trainExits(model, train, test, { ...fitSettings(v), mode: v.joint ? 'joint' : 'exits', weights: v.weights, ...trainingProgress(io, v.json, v.epochs) });
    writeModel(v.out, result.model);
    const logits = await exitLogits(result.model, test, { threads: v.threads });
    const accuracy = exitAccuracies(sampleMatrix(logits.exits, logits.main, 'max-softmax'));
    const testAccuracy = { exits: result.structure.exits.map((e, k) => ({ output: e.output, accuracy: accuracy.exits[k]! })), main: accuracy.main };
    if (v.json) {
      printJson(io, { out: v.out, mode: result.mode, data: v.data, trainImages: train.count, testImages: test.count, outputs: result.outputs, epochs: result.history, testAccuracy });
      return EXIT.OK;
    }
    const weight = new Map(result.outputs.map((o) => [o.logits, o.weight]));
    io.stdout(table(['output', 'reads', 'loss weight', `test accuracy (${test.count} images)`], [
      ...testAccuracy.exits.map((e, k) => [e.output, result.structure.exits[k]?.at ?? '', weight.get(e.output)?.toFixed(3) ?? '-', pct(e.accuracy)]),
      [result.structure.mainOutput, '(main)', weight.get(result.structure.mainOutput)?.toFixed(3) ?? 'frozen', pct(testAccuracy.main)],
    ]));
    io.stdout(`wrote ${v.out} (${result.mode === 'joint' ? 'trained jointly' : 'exits trained, backbone frozen'}, ${v.epochs} epochs on ${train.count} images)\n`);
    return EXIT.OK;
  },
});
