import { ModelBuilder } from '../src/graph/builder.js';
import type { Random } from '../src/graph/random.js';
import { makeTensor } from '../src/onnx/tensor.js';
import type { ModelProto } from '../src/onnx/types.js';

/** Width of the activations in the deep models: small, so that graph size and not arithmetic dominates. */
export const DEEP_WIDTH = 8;

/**
 * A chain of `nodes` nodes: MatMul (8x8 weight), Add (bias), Relu, repeated; node `l<i>` writes
 * tensor `l<i>`. Every tensor is a single-tensor cut; the graph is as deep as it is long.
 */
export function chainModel(nodes: number, seed = 1): ModelProto {
  const b = new ModelBuilder({ seed, name: `chain${nodes}` });
  let x = b.input('input', 'float32', ['N', DEEP_WIDTH]);
  for (let i = 0; i < nodes; i++) {
    const name = `l${i}`;
    if (i % 3 === 0) x = b.node('MatMul', [x, b.param(`${name}.w`, [DEEP_WIDTH, DEEP_WIDTH], { kind: 'normal', std: 0.35 })], {}, name);
    else if (i % 3 === 1) x = b.node('Add', [x, b.param(`${name}.b`, [DEEP_WIDTH], { kind: 'normal', std: 0.1 })], {}, name);
    else x = b.node('Relu', [x], {}, name);
  }
  b.output(x);
  return b.build();
}

/**
 * A DAG of about `nodes` nodes made of blocks that repeat: a residual block (two MatMuls and a
 * skip Add), a three-branch module summed like an Inception module, and every fourth block a
 * Reshape to the Shape of its input (shape arithmetic that the analysis folds). Block k's
 * output is tensor `b<k>.out`; each block output is a single-tensor cut, the inside of a block
 * takes two or three tensors.
 */
export function dagModel(nodes: number, seed = 1): ModelProto {
  const b = new ModelBuilder({ seed, name: `dag${nodes}` });
  const w = (name: string) => b.param(name, [DEEP_WIDTH, DEEP_WIDTH], { kind: 'normal', std: 0.3 });
  let x = b.input('input', 'float32', ['N', DEEP_WIDTH]);
  let count = 0;
  for (let k = 0; count < nodes; k++) {
    const p = `b${k}`;
    if (k % 2 === 0) {
      const a = b.node('Relu', [b.node('MatMul', [x, w(`${p}.w1`)], {}, `${p}.mm1`)], {}, `${p}.relu1`);
      const s = b.node('Add', [b.node('MatMul', [a, w(`${p}.w2`)], {}, `${p}.mm2`), x], {}, `${p}.add`);
      x = b.node('Relu', [s], {}, `${p}.out`);
      count += 5;
    } else {
      const one = b.node('Relu', [b.node('MatMul', [x, w(`${p}.w1`)], {}, `${p}.a.mm`)], {}, `${p}.a.relu`);
      const mid = b.node('Relu', [b.node('MatMul', [x, w(`${p}.w2`)], {}, `${p}.b.mm1`)], {}, `${p}.b.relu1`);
      const two = b.node('Relu', [b.node('MatMul', [mid, w(`${p}.w3`)], {}, `${p}.b.mm2`)], {}, `${p}.b.relu2`);
      const three = b.node('Sigmoid', [x], {}, `${p}.c.sigmoid`);
      x = b.node('Sum', [one, two, three], {}, `${p}.out`);
      count += 8;
    }
    if (k % 4 === 3) {
      const shape = b.node('Shape', [x], {}, `${p}.shape`);
      x = b.node('Reshape', [b.node('Relu', [x], {}, `${p}.pre`), shape], {}, `${p}.reshaped`);
      count += 3;
    }
  }
  b.output(x);
  return b.build();
}

/**
 * A random DAG on [N, 4] activations for checking cut-point analysis against brute force. It
 * mixes what makes cuts hard: skips over random distances, fan-out and fan-in (Add, Sum),
 * two graph inputs (the second read late), multi-output nodes (Split + Concat), early exits
 * (extra graph outputs), dead ends (outputs nobody reads), Constant nodes, nodes listed out of order,
 * weights through folded Identity nodes and weights read twice, and Shape -> Reshape edges that tie layers together
 * only through shape arithmetic (sometimes from a layer nobody else reads).
 */
export function randomDagModel(rng: Random, nodes: number): ModelProto {
  const W = 4;
  const b = new ModelBuilder({ seed: rng.int(1 << 30), name: 'random-dag' });
  const live: string[] = [b.input('x', 'float32', ['N', W])];
  const late = rng.next() < 0.5 ? b.input('late', 'float32', ['N', W]) : undefined;
  const outputs: string[] = [];
  const weights: string[] = [];
  // How far back a node reads (1: a chain), and how often a branch ends: drawn per graph, so
  // some graphs have many single-tensor cuts and some have none.
  const span = 1 + rng.int(6);
  const ends = 0.12 * rng.next();
  const pick = () => live[Math.max(0, live.length - 1 - rng.int(Math.min(live.length, span)))]!;
  const constant = () => b.node('Constant', [], { value: makeTensor('value', 'float32', [W], [0.1, -0.2, 0.3, -0.4]) });
  for (let i = 0; i < nodes; i++) {
    const r = rng.next();
    let y: string;
    if (late && i === Math.floor(nodes / 2)) y = b.node('Add', [pick(), late]);
    else if (r < 0.25) y = b.node(rng.next() < 0.5 ? 'Relu' : 'Sigmoid', [pick()]);
    else if (r < 0.4) y = b.node('Add', [pick(), pick()]);
    else if (r < 0.48) y = b.node('Sum', [pick(), pick(), pick()]);
    else if (r < 0.58) {
      // Sometimes a weight read before (tied weights): a head may already hold it.
      const weight = weights.length && rng.next() < 0.3 ? weights[rng.int(weights.length)]! : b.param(`w${i}`, [W, W], { kind: 'normal', std: 0.4 });
      weights.push(weight);
      y = b.node('MatMul', [pick(), rng.next() < 0.3 ? b.node('Identity', [weight]) : weight]);
    } else if (r < 0.66) y = b.node('Add', [pick(), rng.next() < 0.5 ? constant() : b.param(`bias${i}`, [W], { kind: 'normal', std: 0.1 })]);
    else if (r < 0.74) {
      const [lo, hi] = b.nodeN('Split', [pick(), b.ints(`split${i}`, [2, 2])], 2, { axis: 1 });
      y = b.node('Concat', [hi!, lo!], { axis: 1 });
    } else if (r < 0.84) {
      // Shape of a tensor that may have no other reader: a layer tied to later ones only by shape arithmetic.
      const source = rng.next() < 0.5 ? b.node('Relu', [pick()]) : pick();
      y = b.node('Reshape', [pick(), b.node('Shape', [source])]);
    } else if (r < 0.84 + ends) {
      // An early exit or a dead end: computed, never read by a later layer.
      const end = b.node('Tanh', [pick()]);
      if (rng.next() < 0.6) outputs.push(end);
      continue;
    } else y = b.node('Mul', [pick(), pick()]);
    live.push(y);
  }
  outputs.push(live[live.length - 1]!);
  for (const o of new Set(outputs)) b.output(o);
  const model = b.build();
  // Half the files list their nodes shuffled: the topological order then puts constants and
  // independent branches wherever the stable sort takes them.
  if (rng.next() < 0.5) rng.shuffle(model.graph.node);
  return model;
}
