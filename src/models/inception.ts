import { BadRequestError } from '../errors.js';
import type { ModelBuilder } from '../graph/builder.js';
import type { ModelProto } from '../onnx/types.js';
import { concat, convBnRelu, maxPool } from './layers.js';
import { type BatchNormStats, type ModelOptions, requireSpatial, startModel, windowOut } from './options.js';
import { poolAndClassify } from './classifier-head.js';

export interface InceptionOptions extends ModelOptions {
  /** How many of GoogLeNet's nine inception modules to keep (3a, 3b, 4a..4e, 5a, 5b), default 9. */
  readonly modules?: number;
}

/** One inception module: channels of the 1x1, 3x3-reduce, 3x3, 5x5-reduce, 5x5 and pool-projection convs. */
export interface InceptionModule {
  readonly name: string;
  readonly ch1x1: number;
  readonly ch3x3red: number;
  readonly ch3x3: number;
  readonly ch5x5red: number;
  readonly ch5x5: number;
  readonly poolProj: number;
  /** a 3x3/2 max pool (ceil mode) runs before this module */
  readonly poolBefore: boolean;
}

const m = (name: string, poolBefore: boolean, ...c: [number, number, number, number, number, number]): InceptionModule => ({
  name, ch1x1: c[0], ch3x3red: c[1], ch3x3: c[2], ch5x5red: c[3], ch5x5: c[4], poolProj: c[5], poolBefore,
});

/** GoogLeNet's modules (Szegedy et al. 2015, Table 1). */
export const GOOGLENET_MODULES: readonly InceptionModule[] = [
  m('inception3a', true, 64, 96, 128, 16, 32, 32),
  m('inception3b', false, 128, 128, 192, 32, 96, 64),
  m('inception4a', true, 192, 96, 208, 16, 48, 64),
  m('inception4b', false, 160, 112, 224, 24, 64, 64),
  m('inception4c', false, 128, 128, 256, 24, 64, 64),
  m('inception4d', false, 112, 144, 288, 32, 64, 64),
  m('inception4e', false, 256, 160, 320, 32, 128, 128),
  m('inception5a', true, 256, 160, 320, 32, 128, 128),
  m('inception5b', false, 384, 192, 384, 48, 128, 128),
];

/** Output channels of a module: the four branches concatenated. */
export function inceptionOutChannels(mod: InceptionModule): number {
  return mod.ch1x1 + mod.ch3x3 + mod.ch5x5 + mod.poolProj;
}

type Unit = (x: string, name: string, inC: number, outC: number, kernel: number) => string;

/** Four branches on one input, concatenated along channels. */
function inceptionModule(b: ModelBuilder, x: string, inC: number, mod: InceptionModule, unit: Unit): string {
  const p = mod.name;
  const b1 = unit(x, `${p}.branch1`, inC, mod.ch1x1, 1);
  const b2 = unit(unit(x, `${p}.branch2.0`, inC, mod.ch3x3red, 1), `${p}.branch2.1`, mod.ch3x3red, mod.ch3x3, 3);
  const b3 = unit(unit(x, `${p}.branch3.0`, inC, mod.ch5x5red, 1), `${p}.branch3.1`, mod.ch5x5red, mod.ch5x5, 5);
  const pooled = maxPool(b, x, `${p}.branch4.0`, { kernel: 3, stride: 1, pad: 1, ceil: true });
  const b4 = unit(pooled, `${p}.branch4.1`, inC, mod.poolProj, 1);
  return concat(b, [b1, b2, b3, b4], `${p}.concat`);
}

/**
 * GoogLeNet-style model (torchvision's layout with BN after each conv, but 5x5 convs in the
 * third branch as in the paper, where torchvision has 3x3): stem `conv1` 7x7/2 -> pool ->
 * `conv2` 1x1 -> `conv3` 3x3 -> pool, then inception modules (branches 1x1 | 1x1->3x3 |
 * 1x1->5x5 | 3x3 max pool->1x1, concatenated) with 3x3/2 pools before 3a, 4a and 5a; global
 * average pool, Dropout(0.2), `fc`. Full model at 224x224: 1,582,671,872 MACs by hand count
 * (Table 1 of the paper sums to 1.586 G in rounded per-layer figures).
 */
export function inception(options: InceptionOptions = {}): ModelProto {
  const name = 'inception';
  const count = options.modules ?? GOOGLENET_MODULES.length;
  if (!Number.isInteger(count) || count < 1 || count > GOOGLENET_MODULES.length) {
    throw new BadRequestError(`${name}: modules must be an integer from 1 to ${GOOGLENET_MODULES.length}, got ${count}`);
  }
  const s = startModel({ name, inputSize: 224, channels: 3, numClasses: 1000 }, options);
  const { b } = s;
  const stats: BatchNormStats | undefined = options.batchNorm;
  // torchvision's BasicConv2d: conv (no bias) -> BN (eps 1e-3) -> ReLU, children `.conv .bn .relu`.
  const unit: Unit = (x, p, inC, outC, kernel) => convBnRelu(b, x, { conv: `${p}.conv`, bn: `${p}.bn`, relu: `${p}.relu` },
    { inChannels: inC, outChannels: outC, kernel, pad: (kernel - 1) / 2, stats, epsilon: 1e-3 });
  const pool = (x: string, p: string): string => maxPool(b, x, p, { kernel: 3, stride: 2, ceil: true });
  let x = convBnRelu(b, s.x, { conv: 'conv1.conv', bn: 'conv1.bn', relu: 'conv1.relu' },
    { inChannels: s.channels, outChannels: 64, kernel: 7, stride: 2, pad: 3, stats, epsilon: 1e-3 });
  let [h, w] = [windowOut(s.height, 7, 2, 3, 3), windowOut(s.width, 7, 2, 3, 3)];
  x = pool(x, 'maxpool1');
  [h, w] = [windowOut(h, 3, 2, 0, 0, 1, true), windowOut(w, 3, 2, 0, 0, 1, true)];
  requireSpatial(name, 'maxpool1', h, w);
  x = unit(x, 'conv2', 64, 64, 1);
  x = unit(x, 'conv3', 64, 192, 3);
  let channels = 192;
  let pools = 2;
  for (const mod of GOOGLENET_MODULES.slice(0, count)) {
    if (mod.poolBefore) {
      x = pool(x, `maxpool${pools}`);
      [h, w] = [windowOut(h, 3, 2, 0, 0, 1, true), windowOut(w, 3, 2, 0, 0, 1, true)];
      requireSpatial(name, `maxpool${pools}`, h, w);
      pools += 1;
    }
    x = inceptionModule(b, x, channels, mod, unit);
    channels = inceptionOutChannels(mod);
  }
  return poolAndClassify(s, x, channels, options, { fc: 'fc', dropout: { name: 'dropout', ratio: 0.2 } });
}
