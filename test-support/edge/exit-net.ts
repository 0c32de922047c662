/**
 * A small conv net with two early exits, cut at candidate cuts and laid out as an edge device
 * and a server would get it: for the edge client's exit and re-planning tests (Node, browser,
 * shaped link).
 *
 *   x [N, 3, S, S] -> block1 (3x3 conv, C channels, ReLU) [C, S, S]        exit_0 reads it
 *                  -> block2 (3x3 conv stride 2, ReLU) [C, S/2, S/2]
 *                  -> block3 (3x3 conv stride 2, ReLU) [C, S/4, S/4]      exit_1 reads it
 *                  -> GlobalAveragePool, Flatten, Gemm -> logits [N, 10]
 *
 * At S = 64, C = 16 the cut after block1 sends 256 KiB of fp32, after block3 16 KiB.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import type { EdgeConfig } from '../../src/edge/edge-config.js';
import type { PopexLayer } from '../../src/exits/popex.js';
import { insertExits } from '../../src/exits/insert.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { Random } from '../../src/graph/random.js';
import { writeModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';

export const EXIT_NET_CLASSES = 10;

export interface ExitNetOptions {
  /** input side S (default 64, a multiple of 4) */
  readonly size?: number;
  /** channels C (default 16) */
  readonly channels?: number;
  readonly seed?: number;
  /** the blocks the exits read (default block1 and block3) */
  readonly exitsAt?: readonly string[];
}

/** The net with its exits (`exit_<k>_logits`, by default after block1 and block3). */
export function exitNet(o: ExitNetOptions = {}): ModelProto {
  const s = o.size ?? 64;
  const c = o.channels ?? 16;
  const b = new ModelBuilder({ name: 'exit-net', seed: o.seed ?? 3 });
  const x = b.input('x', 'float32', ['N', 3, s, s]);
  const conv = (from: string, cin: number, stride: number, name: string) =>
    b.node('Relu', [b.node('Conv', [from, b.param(`${name}.w`, [c, cin, 3, 3]), b.param(`${name}.b`, [c], { kind: 'const', value: 0.01 })], { pads: [1, 1, 1, 1], strides: [stride, stride] })], {}, name);
  const block1 = conv(x, 3, 1, 'block1');
  const block2 = conv(block1, c, 2, 'block2');
  const block3 = conv(block2, c, 2, 'block3');
  const pooled = b.node('Flatten', [b.node('GlobalAveragePool', [block3])], { axis: 1 });
  const logits = b.node('Gemm', [pooled, b.param('fc.w', [EXIT_NET_CLASSES, c]), b.param('fc.b', [EXIT_NET_CLASSES], { kind: 'const', value: 0 })], { transB: 1 }, 'logits');
  b.output(logits, 'float32', ['N', EXIT_NET_CLASSES]);
  const blocks: Record<string, string> = { block1, block2, block3 };
  const at = (o.exitsAt ?? ['block1', 'block3']).map((name) => blocks[name] ?? name);
  return insertExits(b.build(), { at }, { seed: (o.seed ?? 3) + 1 }).model;
}

/**
 * The net as a POPEX layer chain: block1, block2, block3 and the classifier, with the given
 * times on the edge device, small cloud times, and each block's output bytes at batch 1.
 */
export function exitNetLayers(edgeMs: readonly [number, number, number, number], o: ExitNetOptions = {}): PopexLayer[] {
  const s = o.size ?? 64;
  const c = o.channels ?? 16;
  const bytes = [c * s * s * 4, c * (s / 2) ** 2 * 4, c * (s / 4) ** 2 * 4, EXIT_NET_CLASSES * 4];
  const cloudMs = [0.2, 0.2, 0.1, 0.01];
  return ['block1', 'block2', 'block3', 'classifier'].map((name, i) => ({ name, edgeMs: edgeMs[i]!, cloudMs: cloudMs[i]!, outputBytes: bytes[i]! }));
}

/**
 * A seeded random input [1, 3, S, S]: uniform in [-a, a] plus a / 2. The exits' confidence grows
 * with the amplitude a (the net is ReLU, its biases small): max softmax about 0.12 (exit 0) and
 * 0.17 (exit 1) at a = 1, 0.65 and 0.45 at a = 16, 0.96 and 0.55 at a = 32.
 */
export function exitNetInput(amplitude: number, seed: number, o: ExitNetOptions = {}): Float32Array {
  const s = o.size ?? 64;
  const rng = new Random(seed);
  return Float32Array.from({ length: 3 * s * s }, () => (rng.next() * 2 - 1) * amplitude + amplitude / 2);
}

/** What `writeExitDeployment` wrote. */
export interface ExitDeployment {
  readonly dir: string;
  /** the edge config file */
  readonly configPath: string;
  readonly fullPath: string;
  /** per cut: its tail's file, served as `tail-<cut>` */
  readonly tails: readonly { readonly cut: string; readonly model: string; readonly path: string }[];
}

/**
 * Cuts the net at each of `cuts` (block names) into `dir`/<cut>/head.onnx and tail.onnx, writes
 * the whole model and an edge config naming them (tails served as `tail-<cut>`); `config` gives
 * the config's problem (layers, exits with their thresholds, switching...).
 */
export function writeExitDeployment(dir: string, model: ModelProto, cuts: readonly string[], config: Omit<EdgeConfig, 'cuts' | 'version' | 'full'>): ExitDeployment {
  const analysis = analyze(graphFromModel(model), { batch: 1 });
  const tails = cuts.map((cut) => {
    const parts = cutModel(analysis, [cut]);
    mkdirSync(join(dir, cut), { recursive: true });
    writeModel(join(dir, cut, 'head.onnx'), parts.head);
    writeModel(join(dir, cut, 'tail.onnx'), parts.tail);
    return { cut, model: `tail-${cut}`, path: join(dir, cut, 'tail.onnx') };
  });
  writeModel(join(dir, 'full.onnx'), model);
  const edge: EdgeConfig = { version: 1, ...config, cuts: cuts.map((cut) => ({ after: cut, head: `${cut}/head.onnx`, model: `tail-${cut}`, tailOutput: 'logits' })), full: 'full.onnx' };
  const configPath = join(dir, 'edge.json');
  writeFileSync(configPath, `${JSON.stringify(edge, null, 2)}\n`);
  return { dir, configPath, fullPath: join(dir, 'full.onnx'), tails };
}
