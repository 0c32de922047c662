import { accuracyOf } from '../bottleneck/evaluate.js';
import { trainBottleneck } from '../bottleneck/train.js';
import { loadImages, readClassifier } from '../interpret/isplit-data.js';
import { writeModel } from '../onnx/model-file.js';
import { defineCommand } from './command.js';
import { flag, option } from './option-table.js';
import { threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { printJson } from './io.js';
import { integer, number, positive, text } from './option-types.js';
import { trainingProgress } from './training-progress.js';

export const bottleneckCommand = defineCommand({
  name: 'bottleneck',
  summary: 'insert and train an autoencoder bottleneck at a cut; accuracy and bytes after',
  usage: 'MODEL.onnx --at TENSOR --data mnist|fashion-mnist|DIR -o OUT.onnx [options]',
  description: `Inserts an undercomplete autoencoder at a cut (the I-SPLIT validation bottleneck): encoder
Conv 3x3 stride 2 + BatchNorm + ReLU twice, to round(C/8) then round(C/4) channels; decoder
the mirror with ConvTranspose 3x3 stride 2 back to the cut's exact shape. Trains it (and with
--fine-tune-tail the layers after it) with cleave's trainer, reports test accuracy before and
after and the bytes that now cross (the encoder's output), and writes the trained model.`,
  args: { min: 1, says: 'one MODEL file' },
  options: {
    at: option(text, { required: true, arg: 'TENSOR', help: 'the cut tensor ([N, C, H, W], or [N, F] seen as [N, F, 1, 1]); `cleave rank` lists the cuts' }),
    data: option(text, { required: true, arg: 'SRC', help: 'mnist | fashion-mnist | DIR of class subfolders (DIR/train, DIR/test when present; otherwise the same images train and test, said so)' }),
    out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'where to write the model with the trained bottleneck' }),
    epochs: option(integer, { default: 1, check: positive, help: 'passes over the training images' }),
    limit: option(integer, { check: positive, help: 'training images (default: all)' }),
    'test-limit': option(integer, { default: 2000, check: positive, help: 'test images' }),
    batch: option(integer, { default: 64, check: positive, help: 'samples per step' }),
    lr: option(number, { default: 1e-3, check: positive, help: 'Adam learning rate' }),
    'fine-tune-tail': flag('also train the weights after the cut'),
    seed: option(integer, { default: 1, check: positive, help: 'weight and shuffling seed' }),
    threads: threadsOption,
  },
  json: 'print the result as JSON',
  examples: ['cleave bottleneck models/small-vgg-fashion.onnx --at block2.pool --data fashion-mnist --epochs 1 -o vgg-bn.onnx'],
  async run({ values: v, positionals: [file] }, io) {
    const model = readClassifier(file);
    const train = loadImages(v.data, 'train', model, v.limit);
    const test = loadImages(v.data, 'test', model, v['test-limit']);
    if (train.shared && !v.json) io.stderr(`note: ${v.data} has no train/ and test/ subfolders: the same images train and test, so the accuracy is optimistic\n`);
    const before = await accuracyOf(model, test.data, { threads: v.threads });
    const r = await trainBottleneck(model, v.at, train.data, test.data, {
      epochs: v.epochs, batch: v.batch, lr: v.lr, fineTuneTail: v['fine-tune-tail'], seed: v.seed, threads: v.threads,
      ...trainingProgress(io, v.json, v.epochs),
    });
    writeModel(v.out, r.model);
    const b = r.bottleneck;
    if (v.json) {
      printJson(io, {
        out: v.out, at: b.at, code: b.code, cutShape: b.cutShape, codeShape: b.codeShape, widths: b.widths,
        cutBytes: b.cutBytes, codeBytes: b.codeBytes, accuracyBefore: before.accuracy, accuracy: r.accuracy, testImages: test.data.count,
        trainImages: train.data.count, epochs: r.history, fineTunedTail: r.trained, seconds: r.seconds,
      });
      return EXIT.OK;
    }
    io.stdout([
      `bottleneck at ${b.at}: [${b.cutShape.join('x')}] -> code ${b.code} [${b.codeShape.join('x')}] (encoder widths ${b.widths.join(', ')})`,
      `bytes crossing per image: ${b.cutBytes} -> ${b.codeBytes} (${(b.cutBytes / b.codeBytes).toFixed(1)}x fewer)`,
      `test accuracy on ${test.data.count} images: ${(100 * before.accuracy).toFixed(2)}% without -> ${(100 * r.accuracy).toFixed(2)}% with the trained bottleneck`
        + ` (${train.data.count} training images, ${v.epochs} epoch${v.epochs > 1 ? 's' : ''}${r.trained.length ? `, tail fine-tuned (${r.trained.length} tensors)` : ''}, ${r.seconds.toFixed(1)} s)`,
      `wrote ${v.out}`,
      '',
    ].join('\n'));
    return EXIT.OK;
  },
});
