import { accuracyOf } from '../bottleneck/evaluate.js';
import { trainBottleneck } from '../bottleneck/train.js';
import { BadRequestError } from '../errors.js';
import { loadImages, readClassifier } from '../interpret/isplit-data.js';
import { writeModel } from '../onnx/model-file.js';
import { parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { trainingProgress } from './training-progress.js';
import { type CliIo, printHelp } from './io.js';

export const BOTTLENECK_HELP = `Usage: cleave bottleneck MODEL.onnx --at TENSOR --data mnist|fashion-mnist|DIR -o OUT.onnx [options]

Inserts an undercomplete autoencoder at a cut (the I-SPLIT validation bottleneck): encoder
Conv 3x3 stride 2 + BatchNorm + ReLU twice, to round(C/8) then round(C/4) channels; decoder
the mirror with ConvTranspose 3x3 stride 2 back to the cut's exact shape. Trains it (and with
--fine-tune-tail the layers after it) with cleave's trainer, reports test accuracy before and
after and the bytes that now cross (the encoder's output), and writes the trained model.

Options:
  --at TENSOR         the cut tensor ([N, C, H, W], or [N, F] seen as [N, F, 1, 1])
  --data SRC          mnist | fashion-mnist | DIR of class subfolders (DIR/train, DIR/test
                      when present; otherwise the same images train and test, said so)
  -o, --out FILE      where to write the model with the trained bottleneck
  --epochs N          passes over the training images (default 1)
  --limit N           training images (default: all)
  --test-limit N      test images (default 2000)
  --batch N           samples per step (default 64)
  --lr X              Adam learning rate (default 0.001)
  --fine-tune-tail    also train the weights after the cut
  --seed N            weight and shuffling seed (default 1)
  --threads N         ONNX Runtime threads
  --json              print the result as JSON
  -h, --help          show this help

Example:
  cleave bottleneck models/small-vgg-fashion.onnx --at block2.pool --data fashion-mnist --epochs 1 -o vgg-bn.onnx
`;

export async function runBottleneck(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    at: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string', short: 'o' },
    epochs: { type: 'string' },
    limit: { type: 'string' },
    'test-limit': { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    'fine-tune-tail': { type: 'boolean' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'bottleneck');
  if (values.help) return printHelp(io, BOTTLENECK_HELP);
  if (positionals.length !== 1) throw new BadRequestError('bottleneck takes one MODEL file; see `cleave bottleneck --help`');
  if (!values.at) throw new BadRequestError('bottleneck needs --at TENSOR (a cut point; `cleave rank` lists them)');
  if (!values.data) throw new BadRequestError('bottleneck needs --data mnist, fashion-mnist or a folder of class subfolders');
  if (!values.out) throw new BadRequestError('bottleneck needs -o OUT.onnx');
  const lr = values.lr === undefined ? 1e-3 : Number(values.lr);
  if (!(lr > 0)) throw new BadRequestError(`--lr must be a positive number, got "${values.lr}"`);
  const model = readClassifier(positionals[0] as string);
  const limit = values.limit === undefined ? undefined : positiveInt(values.limit, 'limit', 1);
  const train = loadImages(values.data, 'train', model, limit);
  const test = loadImages(values.data, 'test', model, positiveInt(values['test-limit'], 'test-limit', 2000));
  if (train.shared && !values.json) io.stderr(`note: ${values.data} has no train/ and test/ subfolders: the same images train and test, so the accuracy is optimistic\n`);
  const threads = values.threads === undefined ? undefined : positiveInt(values.threads, 'threads', 1);
  const epochs = positiveInt(values.epochs, 'epochs', 1);
  const before = await accuracyOf(model, test.data, { threads });
  const r = await trainBottleneck(model, values.at, train.data, test.data, {
    epochs,
    batch: positiveInt(values.batch, 'batch', 64),
    lr,
    fineTuneTail: values['fine-tune-tail'] ?? false,
    seed: positiveInt(values.seed, 'seed', 1),
    threads,
    ...trainingProgress(io, values.json ?? false, epochs),
  });
  writeModel(values.out, r.model);
  const b = r.bottleneck;
  if (values.json) {
    io.stdout(`${JSON.stringify({
      out: values.out, at: b.at, code: b.code, cutShape: b.cutShape, codeShape: b.codeShape, widths: b.widths,
      cutBytes: b.cutBytes, codeBytes: b.codeBytes, accuracyBefore: before.accuracy, accuracy: r.accuracy, testImages: test.data.count,
      trainImages: train.data.count, epochs: r.history, fineTunedTail: r.trained, seconds: r.seconds,
    }, null, 2)}\n`);
    return EXIT.OK;
  }
  io.stdout([
    `bottleneck at ${b.at}: [${b.cutShape.join('x')}] -> code ${b.code} [${b.codeShape.join('x')}] (encoder widths ${b.widths.join(', ')})`,
    `bytes crossing per image: ${b.cutBytes} -> ${b.codeBytes} (${(b.cutBytes / b.codeBytes).toFixed(1)}x fewer)`,
    `test accuracy on ${test.data.count} images: ${(100 * before.accuracy).toFixed(2)}% without -> ${(100 * r.accuracy).toFixed(2)}% with the trained bottleneck`
      + ` (${train.data.count} training images, ${epochs} epoch${epochs > 1 ? 's' : ''}${r.trained.length ? `, tail fine-tuned (${r.trained.length} tensors)` : ''}, ${r.seconds.toFixed(1)} s)`,
    `wrote ${values.out}`,
    '',
  ].join('\n'));
  return EXIT.OK;
}
