import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { densenet } from './densenet.js';
import { inception } from './inception.js';
import { lenet } from './lenet.js';
import { mobilenetV2 } from './mobilenet-v2.js';
import type { ModelOptions } from './options.js';
import { resnet } from './resnet.js';
import { smallCnn } from './small-cnn.js';
import { smallVgg } from './small-vgg.js';
import { vgg } from './vgg.js';

/** Options of any catalogue model; `width` only where the entry says `width: true`. */
export interface BuildOptions extends ModelOptions {
  /** Channel width multiplier (VGG, ResNet, MobileNetV2, small VGG). */
  readonly width?: number;
}

/** A reference architecture the CLI and benchmarks can build by name. */
export interface CatalogueEntry {
  readonly name: string;
  readonly description: string;
  /** Default input [channels, height, width]. */
  readonly input: readonly [number, number, number];
  readonly numClasses: number;
  /** Trainable parameters at the default input: torchvision's `num_params`, or a hand count for the small models. */
  readonly params?: number;
  /** MACs (multiply-accumulates of Conv and Gemm) at the default input and batch 1: torchvision's figure or a hand count. */
  readonly macs?: number;
  /** Accepts a `width` multiplier. */
  readonly width: boolean;
  readonly build: (options?: BuildOptions) => ModelProto;
}

/** Every reference architecture, in a fixed order. */
export const CATALOGUE: readonly CatalogueEntry[] = [
  { name: 'vgg16', description: 'VGG-16 (torchvision layout): 13 convs + 3 FC', input: [3, 224, 224], numClasses: 1000, params: 138_357_544, macs: 15.47e9, width: true, build: (o) => vgg('vgg16', o) },
  { name: 'resnet18', description: 'ResNet-18 (torchvision): BasicBlocks [2, 2, 2, 2]', input: [3, 224, 224], numClasses: 1000, params: 11_689_512, macs: 1.814e9, width: true, build: (o) => resnet('resnet18', o) },
  { name: 'resnet50', description: 'ResNet-50 v1.5 (torchvision): Bottlenecks [3, 4, 6, 3]', input: [3, 224, 224], numClasses: 1000, params: 25_557_032, macs: 4.09e9, width: true, build: (o) => resnet('resnet50', o) },
  { name: 'mobilenetv2', description: 'MobileNetV2 width 1.0 (torchvision): inverted residuals, ReLU6 as Clip', input: [3, 224, 224], numClasses: 1000, params: 3_504_872, macs: 0.3e9, width: true, build: (o) => mobilenetV2(o) },
  { name: 'densenet121', description: 'DenseNet-121 (torchvision): dense blocks [6, 12, 24, 16], growth 32', input: [3, 224, 224], numClasses: 1000, params: 7_978_856, macs: 2.83e9, width: false, build: (o) => densenet(o) },
  { name: 'inception', description: 'GoogLeNet-style: stem + 9 inception modules (1x1 | 3x3 | 5x5 | pool branches, concatenated)', input: [3, 224, 224], numClasses: 1000, macs: 1_582_671_872, width: false, build: (o) => inception(o) },
  { name: 'lenet', description: 'LeNet-5 style CNN for 28x28x1 (MNIST)', input: [1, 28, 28], numClasses: 10, params: 61_706, macs: 416_520, width: false, build: (o) => lenet(o) },
  { name: 'small-vgg', description: 'VGG-style CNN with BN for 28x28x1 (Fashion-MNIST)', input: [1, 28, 28], numClasses: 10, params: 584_618, macs: 29_424_640, width: true, build: (o) => smallVgg(o) },
  { name: 'small-cnn', description: 'Three-conv CNN for the demo (28x28x1)', input: [1, 28, 28], numClasses: 10, params: 21_578, macs: 523_712, width: false, build: (o) => smallCnn(o) },
];

/** One catalogue entry as listed (`cleave build-model --list --json`): unknown sizes are null. */
export interface CatalogueListing {
  readonly name: string;
  readonly description: string;
  readonly input: readonly [number, number, number];
  readonly params: number | null;
  readonly macs: number | null;
}

export function catalogueListing(): CatalogueListing[] {
  return CATALOGUE.map((e) => ({ name: e.name, description: e.description, input: e.input, params: e.params ?? null, macs: e.macs ?? null }));
}

/** The names `catalogueEntry` accepts. */
export const MODEL_NAMES: readonly string[] = CATALOGUE.map((e) => e.name);

/** The entry for `name`; an unknown name lists the known ones. */
export function catalogueEntry(name: string): CatalogueEntry {
  const entry = CATALOGUE.find((e) => e.name === name);
  if (!entry) throw new BadRequestError(`unknown model "${name}"; known models: ${MODEL_NAMES.join(', ')}`);
  return entry;
}

/** Builds the named architecture; a `width` the architecture has no use for is refused. */
export function buildModel(name: string, options: BuildOptions = {}): ModelProto {
  const entry = catalogueEntry(name);
  if (options.width !== undefined && !entry.width) throw new BadRequestError(`model "${name}" has no width multiplier`);
  return entry.build(options);
}
