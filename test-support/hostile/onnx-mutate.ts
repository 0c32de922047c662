import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/graph/random.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { AttrType, type ModelProto, type NodeProto } from '../../src/onnx/types.js';
import { loadFixture } from '../fixtures.js';
import { oldExport } from '../opsets/old-exports.js';
import { baseModel, DOCUMENTED_FAILURES, type ModelCase } from './onnx-cases.js';

/** Models the mutations start from: builder models and a real torch.onnx export, with the tensor cut and gradcam use. */
const SOURCES: readonly { readonly name: string; readonly model: () => ModelProto; readonly tensor: string }[] = [
  { name: 'base', model: () => baseModel(), tensor: 'act' },
  { name: 'opset9', model: () => oldExport(9), tensor: 'act' },
  { name: 'opset13', model: () => oldExport(13), tensor: 'act' },
  { name: 'torch-view-flatten', model: () => loadFixture('torch/view-flatten-opset11.onnx'), tensor: '/Relu_1_output_0' },
];

const DIMS = [0, -1, 1, 3, 7, 32768, 2 ** 31, 1e9] as const;
const ATTRS = ['axis', 'pads', 'strides', 'kernel_shape', 'perm', 'to', 'mode', 'axes', 'group', 'dilations'] as const;

function pick<T>(rng: Random, xs: readonly T[]): T {
  return xs[rng.int(xs.length)] as T;
}

/** Every tensor name of a model (inputs, weights, node outputs). */
function tensorNames(m: ModelProto): string[] {
  return [...m.graph.input.map((v) => v.name), ...m.graph.initializer.map((t) => t.name), ...m.graph.node.flatMap((n) => n.output)];
}

/** Structural mutations: each spoils one thing of the decoded model and says what. */
const STRUCTURAL: readonly ((m: ModelProto, rng: Random) => string)[] = [
  (m, rng) => {
    const dims = m.graph.input[0]?.type?.tensorType?.shape?.dim ?? [];
    const i = rng.int(Math.max(1, dims.length));
    const v = pick(rng, DIMS);
    dims[i] = { dimValue: v };
    return `input dim ${i} = ${v}`;
  },
  (m, rng) => {
    const tt = m.graph.input[0]?.type?.tensorType;
    const code = rng.int(24);
    if (tt) tt.elemType = code;
    return `input element type ${code}`;
  },
  (m, rng) => {
    const n = pick(rng, m.graph.node);
    const names = [...tensorNames(m), 'ghost'];
    const target = pick(rng, names);
    if (n.input.length) n.input[rng.int(n.input.length)] = target;
    return `node "${n.name}" reads "${target}" (cycle, dangling or type mismatch)`;
  },
  (m, rng) => {
    const a = pick(rng, m.graph.node);
    const b = pick(rng, m.graph.node);
    a.output[0] = b.output[0]!;
    return `node "${a.name}" writes "${b.output[0]}" too`;
  },
  (m, rng) => {
    const v = rng.int(31);
    (m.opsetImport[0] as { version: number }).version = v;
    return `opset ${v}`;
  },
  (m, rng) => {
    const t = pick(rng, m.graph.initializer);
    const raw = t.rawData ?? new Uint8Array(0);
    t.rawData = raw.subarray(0, rng.int(raw.length + 1));
    return `weight "${t.name}" raw data cut to ${t.rawData.length} bytes`;
  },
  (m, rng) => {
    const t = pick(rng, m.graph.initializer);
    t.dims = t.dims.map((d) => (rng.next() < 0.5 ? pick(rng, DIMS) : d));
    return `weight "${t.name}" dims [${t.dims.join(', ')}]`;
  },
  (m, rng) => {
    const n = pick(rng, m.graph.node);
    const name = pick(rng, ATTRS);
    const len = pick(rng, [0, 1, 3, 1000]);
    n.attribute = [...n.attribute.filter((a) => a.name !== name), rng.next() < 0.5
      ? { name, type: AttrType.INTS, ints: Array.from({ length: len }, () => pick(rng, DIMS)) }
      : { name, type: AttrType.INT, i: pick(rng, DIMS) }];
    return `node "${n.name}" attribute ${name} spoiled`;
  },
  (m, rng) => {
    const i = rng.int(m.graph.node.length);
    const [gone] = m.graph.node.splice(i, 1) as NodeProto[];
    return `node "${gone?.name}" removed`;
  },
  (m, rng) => {
    const a = pick(rng, m.graph.node);
    const b = pick(rng, m.graph.node);
    [a.opType, b.opType] = [b.opType, a.opType];
    return `ops of "${a.name}" and "${b.name}" swapped`;
  },
];

/** Byte mutations of the encoded file. */
const BYTES: readonly ((b: Uint8Array, rng: Random) => [Uint8Array, string])[] = [
  (b, rng) => { const n = rng.int(b.length); return [b.subarray(0, n), `truncated to ${n} bytes`]; },
  (b, rng) => {
    const out = Uint8Array.from(b);
    const k = 1 + rng.int(8);
    for (let i = 0; i < k; i++) out[rng.int(out.length)] = rng.int(256);
    return [out, `${k} bytes flipped`];
  },
  (b, rng) => {
    const at = rng.int(b.length);
    const len = rng.int(Math.min(256, b.length - at) + 1);
    const out = new Uint8Array(b.length + len);
    out.set(b.subarray(0, at + len));
    out.set(b.subarray(at), at + len);
    return [out, `${len} bytes at ${at} repeated`];
  },
];

/**
 * `count` random mutations (seeded: the same seed gives the same files): structural ones of
 * the decoded model, byte ones of the file, each may end in success or any documented failure.
 */
export function mutatedCases(seed: number, count: number): ModelCase[] {
  return Array.from({ length: count }, (_, i) => {
    const rng = new Random(seed * 1000 + i);
    const source = pick(rng, SOURCES);
    const structural = rng.next() < 0.6;
    let what = '';
    const name = `mutant-${seed}-${i}`;
    return {
      name,
      get what() { return `${source.name}: ${what}`; },
      tensor: source.tensor,
      commands: ['analyze', 'cut', 'gradcam'],
      expect: { all: { codes: [0, ...DOCUMENTED_FAILURES] } },
      write(dir: string): string {
        const path = join(dir, 'model.onnx');
        let bytes = encodeModel(source.model());
        if (structural) {
          const m = decodeModel(bytes);
          what = pick(rng, STRUCTURAL)(m, rng);
          bytes = encodeModel(m);
        } else [bytes, what] = pick(rng, BYTES)(bytes, rng);
        writeFileSync(path, bytes);
        return path;
      },
    };
  });
}
