/**
 * The option rows of a training run, shared by `cleave train` and `cleave exits train`: epochs,
 * batch, optimiser and its settings, schedule, how many images, seed, threads.
 */
import type { OptimizerSpec } from '../train/optimizers.js';
import { threadsOption } from './common-options.js';
import { flag, option, type Values } from './option-table.js';
import { atLeast, integer, number, oneOf, positive } from './option-types.js';

export const TRAINING_OPTIONS = {
  epochs: option(integer, { default: 3, check: positive, help: 'passes over the training set' }),
  batch: option(integer, { default: 64, check: positive, help: 'samples per step' }),
  optimizer: option(oneOf('adam', 'sgd'), { default: 'adam', arg: 'NAME', help: 'adam (AdamW) | sgd (with momentum)' }),
  lr: option(number, { check: positive, help: 'learning rate (default 0.001 for adam, 0.05 for sgd)' }),
  momentum: option(number, { default: 0.9, check: atLeast(0), help: 'SGD momentum' }),
  'weight-decay': option(number, { default: 0, check: atLeast(0), help: 'weight decay' }),
  schedule: option(oneOf('constant', 'cosine'), { default: 'constant', arg: 'NAME', help: 'constant | cosine (decay to 0 over the run)' }),
  'freeze-bn': flag('keep BatchNormalization in inference mode (stored statistics)'),
  limit: option(integer, { check: positive, help: 'use the first N training images (default: all)' }),
  'test-limit': option(integer, { check: positive, help: 'evaluate on the first N test images (default: all)' }),
  seed: option(integer, { default: 1, check: positive, help: 'shuffling and weight seed' }),
  threads: threadsOption,
};

type TrainingValues = Values<typeof TRAINING_OPTIONS>;

/** The optimiser the flags describe. */
export function optimizerFrom(v: TrainingValues): OptimizerSpec {
  return v.optimizer === 'adam'
    ? { kind: 'adam', lr: v.lr ?? 1e-3, weightDecay: v['weight-decay'] }
    : { kind: 'sgd', lr: v.lr ?? 0.05, momentum: v.momentum, weightDecay: v['weight-decay'] };
}

/** The fit options the flags describe (the optimiser, schedule, batch norm mode, seed, threads). */
export function fitSettings(v: TrainingValues) {
  return { batch: v.batch, optimizer: optimizerFrom(v), epochs: v.epochs, seed: v.seed, schedule: v.schedule, batchNorm: v['freeze-bn'] ? ('frozen' as const) : ('train' as const), threads: v.threads };
}
