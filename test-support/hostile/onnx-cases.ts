import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { EXIT } from '../../src/cli/exit-codes.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { AttrType, EXTERNAL_DATA, type ModelProto } from '../../src/onnx/types.js';
import { oldExport } from '../opsets/old-exports.js';

/** The commands the suite runs on every model file. */
export const HOSTILE_COMMANDS = ['analyze', 'cut', 'gradcam', 'rank', 'profile'] as const;
export type HostileCommand = (typeof HOSTILE_COMMANDS)[number];

/** What a case may end in: exit codes (per command, or `all`) and a message the failure must carry. */
export interface Expectation {
  readonly codes: readonly number[];
  readonly message?: RegExp;
}

/** One crafted model file (with its side files) and what each command must answer. */
export interface ModelCase {
  readonly name: string;
  /** what is hostile or odd about it (the docs table's first column) */
  readonly what: string;
  /** writes the files into its own empty folder `dir`; returns the model's path */
  write(dir: string): string;
  /** expectations: `all` for every command, overridden per command */
  readonly expect: Partial<Record<HostileCommand | 'all', Expectation>>;
  /** the commands to run (default: all) */
  readonly commands?: readonly HostileCommand[];
  /** tensor for cut --at and gradcam --layer (default: the base model's "act") */
  readonly tensor?: string;
}

/** Every exit code the CLI documents for a failure it understood (docs/json.md). */
export const DOCUMENTED_FAILURES = [EXIT.USAGE, EXIT.BAD_MODEL, EXIT.UNSUPPORTED_OP, EXIT.BAD_CUT, EXIT.IO, EXIT.TOO_LARGE] as const;
const ANY: Expectation = { codes: [EXIT.OK, ...DOCUMENTED_FAILURES] };
const ok: Expectation = { codes: [EXIT.OK] };
const bad = (message?: RegExp): Expectation => ({ codes: [EXIT.BAD_MODEL], message });
const tooLarge: Expectation = { codes: [EXIT.TOO_LARGE], message: /--max-tensor-bytes|ran out of memory/ };

/**
 * The base model: input [N, 1, 8, 8] (grey images) -> conv 4 -> Relu "act" -> GAP -> Flatten ->
 * Gemm "logits" (10 classes); the other cases are this model spoiled one way. `dims` replaces
 * the input's declared shape, `chain` adds that many Relu nodes after "act".
 */
export function baseModel(options: { opset?: number; dims?: readonly (number | string)[]; chain?: number } = {}): ModelProto {
  const b = new ModelBuilder({ opset: options.opset ?? 17, seed: 2, name: 'hostile-base' });
  const x = b.input('input', 'float32', options.dims ?? ['N', 1, 8, 8]);
  let act = b.node('Relu', [b.node('Conv', [x, b.param('conv.weight', [4, 1, 3, 3]), b.param('conv.bias', [4])], { pads: [1, 1, 1, 1] }, 'conv')], {}, 'act');
  // A deep chain of Relu after the map (the "deep graph" case).
  for (let i = 0; i < (options.chain ?? 0); i++) act = b.node('Relu', [act], {}, `deep${i}`);
  const flat = b.node('Flatten', [b.node('GlobalAveragePool', [act], {}, 'gap')], { axis: 1 }, 'flat');
  b.output(b.node('Gemm', [flat, b.param('fc.weight', [10, 4]), b.param('fc.bias', [10])], { transB: 1 }, 'logits'), 'float32', ['N', 10]);
  return b.build();
}

function save(dir: string, model: ModelProto, file = 'model.onnx'): string {
  const path = join(dir, file);
  writeFileSync(path, encodeModel(model));
  return path;
}

/** The model with `edit` applied to a fresh copy. */
function spoiled(edit: (m: ModelProto) => void, base: () => ModelProto = () => baseModel()): (dir: string) => string {
  return (dir) => {
    const m = base();
    edit(m);
    return save(dir, m);
  };
}

/** A model whose weight "conv.weight" lives in `location` (written as `file` when given). */
function external(location: string, prepare?: (dir: string, bytes: Uint8Array) => void): (dir: string) => string {
  return (dir) => {
    const m = baseModel();
    const w = m.graph.initializer.find((t) => t.name === 'conv.weight');
    if (!w?.rawData) throw new Error('base model without conv.weight');
    const bytes = w.rawData;
    w.rawData = new Uint8Array(0);
    w.dataLocation = EXTERNAL_DATA;
    w.externalData = [{ key: 'location', value: location }];
    prepare?.(dir, bytes);
    return save(dir, m);
  };
}

/** x -> ConstantOfShape or Expand asking for 10^12 floats, summed into the logits. */
function hugeIntermediate(op: 'ConstantOfShape' | 'Expand'): ModelProto {
  const b = new ModelBuilder({ opset: 17, seed: 2 });
  const x = b.input('input', 'float32', ['N', 1, 8, 8]);
  const act = b.node('Relu', [x], {}, 'act');
  const big = op === 'ConstantOfShape'
    ? b.node('ConstantOfShape', [b.ints('shape', [1000000, 1000000])], {}, 'huge')
    : b.node('Expand', [b.node('ReduceMean', [act], { keepdims: 0 }, 'mean'), b.ints('shape', [1000000, 1000000])], {}, 'huge');
  const total = b.node('ReduceSum', [big], { keepdims: 1 }, 'total');
  const flat = b.node('Flatten', [b.node('GlobalAveragePool', [act], {}, 'gap')], { axis: 1 }, 'flat');
  b.output(b.node('Add', [b.node('Gemm', [flat, b.param('fc.weight', [10, 1])], { transB: 1 }, 'fc'), total], {}, 'logits'), 'float32', ['N', 10]);
  return b.build();
}

/** A protobuf length-delimited field. */
function field(num: number, body: Uint8Array): Uint8Array {
  const head: number[] = [(num << 3) | 2];
  for (let n = body.length; ; n = Math.floor(n / 128)) {
    if (n < 128) { head.push(n); break; }
    head.push((n % 128) | 0x80);
  }
  return Buffer.concat([Uint8Array.from(head), body]);
}

/**
 * A model file whose graph holds If nodes nested `depth` deep (GraphProto -> NodeProto ->
 * AttributeProto -> GraphProto ...), written byte by byte: protobuf libraries refuse to encode
 * (and decode) past their recursion limit.
 */
function nestedSubgraphs(depth: number): Uint8Array {
  const text = (s: string) => new TextEncoder().encode(s);
  let graph = field(12, field(1, text('c')));
  for (let i = 0; i < depth; i++) {
    const attr = Buffer.concat([field(1, text('then_branch')), Uint8Array.from([20 << 3, 5]), field(6, graph)]);
    const node = Buffer.concat([field(1, text('cond')), field(2, text('c')), field(4, text('If')), field(5, attr)]);
    graph = Buffer.concat([field(1, node), field(12, field(1, text('c')))]);
  }
  const opset = Buffer.concat([field(1, new Uint8Array(0)), Uint8Array.from([2 << 3, 17])]);
  return Buffer.concat([Uint8Array.from([1 << 3, 8]), field(8, opset), field(7, graph)]);
}

/** Writes a folder of 2 classes x 2 grey 8x8 PNGs for `rank --data`. */
export function writeImageFolder(dir: string): void {
  for (const cls of ['a', 'b']) {
    mkdirSync(join(dir, cls), { recursive: true });
    for (let i = 0; i < 2; i++) {
      const png = new PNG({ width: 8, height: 8, colorType: 0, inputColorType: 0, bitDepth: 8 });
      for (let p = 0; p < 64; p++) {
        const v = (p * (i + 3) + (cls === 'a' ? 0 : 128)) % 256;
        png.data.set([v, v, v, 255], p * 4);
      }
      writeFileSync(join(dir, cls, `${i}.png`), PNG.sync.write(png));
    }
  }
}

/**
 * The crafted cases: each failure of issue 14 and its neighbours, each with what every command
 * must answer. `deep` is the length of the deep chain (a few hundred by default).
 */
export function craftedCases(deep = 300): ModelCase[] {
  return [
    { name: 'valid', what: 'the unspoiled base model', write: (d) => save(d, baseModel()), expect: { all: ok } },
    { name: 'valid-opset-9', what: 'an export at opset 9 (Upsample, Slice/Pad/Clip attributes)', write: (d) => save(d, oldExport(9)), expect: { all: ok } },
    { name: 'valid-opset-7', what: 'an export at opset 7 (BatchNormalization spatial, Upsample scales attribute)', write: (d) => save(d, oldExport(7)), expect: { all: ok } },
    { name: 'empty-file', what: 'a file of 0 bytes', write: (d) => { writeFileSync(join(d, 'model.onnx'), ''); return join(d, 'model.onnx'); }, expect: { all: bad(/is empty/) } },
    { name: 'not-onnx', what: 'a text file named .onnx', write: (d) => { writeFileSync(join(d, 'model.onnx'), 'hello, I am not a model\n'.repeat(20)); return join(d, 'model.onnx'); }, expect: { all: bad() } },
    { name: 'truncated', what: 'the base model cut in half', write: (d) => { const b = encodeModel(baseModel()); writeFileSync(join(d, 'model.onnx'), b.subarray(0, b.length >> 1)); return join(d, 'model.onnx'); }, expect: { all: bad() } },
    { name: 'opset-1', what: 'ai.onnx opset 1 (ORT loads it, Relu-1 has no kernel)', write: spoiled((m) => { (m.opsetImport[0] as { version: number }).version = 1; }), expect: { all: { codes: [EXIT.UNSUPPORTED_OP], message: /opset 1\b/ } } },
    { name: 'opset-99', what: 'ai.onnx opset 99 (unknown future opset)', write: spoiled((m) => { (m.opsetImport[0] as { version: number }).version = 99; }), expect: { all: bad(/opset 99; ONNX Runtime loads opsets 1 to 26/) } },
    { name: 'opset-27', what: 'ai.onnx opset 27 (ORT 1.30: "under development")', write: spoiled((m) => { (m.opsetImport[0] as { version: number }).version = 27; }), expect: { all: bad(/opset 27/) } },
    { name: 'ir-version-0', what: 'IR version 0 (missing)', write: spoiled((m) => { m.irVersion = 0; }), expect: { all: bad(/IR version 0/) } },
    { name: 'raw-data-short', what: 'a weight with fewer raw bytes than its dims need', write: spoiled((m) => { const t = m.graph.initializer[0]; if (t?.rawData) t.rawData = t.rawData.subarray(0, 20); }), expect: { all: bad(/holds 20 bytes of data/) } },
    { name: 'raw-data-long', what: 'a weight with more raw bytes than its dims need', write: spoiled((m) => { const t = m.graph.initializer[0]; if (t?.rawData) { const r = new Uint8Array(t.rawData.length + 12); r.set(t.rawData); t.rawData = r; } }), expect: { all: bad(/bytes of data; its shape/) } },
    { name: 'negative-weight-dim', what: 'a weight with a negative dim', write: spoiled((m) => { (m.graph.initializer[1] as { dims: number[] }).dims = [-4]; }), expect: { all: bad(/dimension -4/) } },
    { name: 'negative-input-dim', what: 'an input declaring dim -8', write: (d) => save(d, baseModel({ dims: [1, 1, -8, 8] })), expect: { all: bad(/declares dimension -8 at position 2: a dimension is a size/) } },
    { name: 'zero-input-dim', what: 'an input declaring dim 0', write: (d) => save(d, baseModel({ dims: [1, 1, 0, 8] })), expect: { all: { codes: [EXIT.USAGE], message: /declares dimension 0 at position 2/ } } },
    { name: 'wrong-elem-type', what: 'an input of element type 99', write: spoiled((m) => { const tt = m.graph.input[0]?.type?.tensorType; if (tt) tt.elemType = 99; }), expect: { all: bad(/element type code 99/) } },
    { name: 'string-input', what: 'an image input of type string', write: spoiled((m) => { const tt = m.graph.input[0]?.type?.tensorType; if (tt) tt.elemType = 8; }), expect: { all: ANY } },
    { name: 'input-32768x32768', what: 'an input declared 1x1x32768x32768 (4 GiB)', write: (d) => save(d, baseModel({ dims: [1, 1, 32768, 32768] })), expect: { all: tooLarge, analyze: ok } },
    { name: 'input-dim-2^31', what: 'an input dim of 2^31', write: (d) => save(d, baseModel({ dims: [1, 1, 2 ** 31, 8] })), expect: { all: tooLarge, analyze: ok } },
    { name: 'constant-of-shape-1e12', what: 'ConstantOfShape asking for 10^12 floats', write: (d) => save(d, hugeIntermediate('ConstantOfShape')), expect: { all: tooLarge, analyze: ok } },
    { name: 'expand-1e12', what: 'Expand asking for 10^12 floats', write: (d) => save(d, hugeIntermediate('Expand')), expect: { all: tooLarge, analyze: ok } },
    { name: 'cycle', what: 'two nodes reading each other (a cycle)', write: spoiled((m) => { (m.graph.node[0] as { input: string[] }).input[0] = 'act'; }), expect: { all: bad(/cycle/) } },
    { name: 'dangling-input', what: 'a node reading a tensor nobody makes', write: spoiled((m) => { (m.graph.node[1] as { input: string[] }).input[0] = 'nowhere'; }), expect: { all: bad(/"nowhere", which is no graph input/) } },
    { name: 'duplicate-output', what: 'two nodes writing the same tensor', write: spoiled((m) => { (m.graph.node[1] as { output: string[] }).output[0] = 'conv'; }), expect: { all: bad(/produced twice/) } },
    { name: 'shape-contradiction', what: 'Gemm weight of the wrong width (ORT refuses the model)', write: spoiled((m) => { const w = m.graph.initializer.find((t) => t.name === 'fc.weight'); if (w) { w.dims = [10, 5]; w.rawData = new Uint8Array(200); } }), expect: { all: { codes: [EXIT.BAD_MODEL, EXIT.USAGE] }, analyze: bad() } },
    // rank runs Grad-CAM at every one of a chain's cut points: past a few hundred it takes minutes (left to the deep-graph work).
    { name: `deep-chain-${deep}`, what: `${deep} Relu nodes in a chain`, write: (d) => save(d, baseModel({ chain: deep })), expect: { all: ok }, ...(deep > 300 ? { commands: ['analyze', 'cut', 'gradcam', 'profile'] as const } : {}) },
    { name: 'nested-subgraphs', what: 'If nodes nested 5,000 deep in attributes', write: (d) => { writeFileSync(join(d, 'model.onnx'), nestedSubgraphs(5000)); return join(d, 'model.onnx'); }, expect: { all: bad(/not a valid ONNX file/) } },
    { name: 'nested-subgraphs-20', what: 'If nodes nested 20 deep (within protobuf limits)', write: (d) => { writeFileSync(join(d, 'model.onnx'), nestedSubgraphs(20)); return join(d, 'model.onnx'); }, expect: { all: { codes: [EXIT.UNSUPPORTED_OP, EXIT.BAD_MODEL, EXIT.USAGE] } } },
    { name: 'giant-attribute', what: 'a Conv with 1,000,000 dilations', write: spoiled((m) => { const conv = m.graph.node[0]; conv?.attribute.push({ name: 'dilations', type: AttrType.INTS, ints: new Array<number>(1_000_000).fill(1) }); }), expect: { all: { codes: [EXIT.BAD_MODEL, EXIT.USAGE] } } },
    { name: 'many-attributes', what: 'a node with 20,000 unknown attributes', write: spoiled((m) => { const relu = m.graph.node[1]; relu?.attribute.push(...Array.from({ length: 20000 }, (_, i) => ({ name: `a${i}`, type: AttrType.INT, i }))); }), expect: { all: ANY } },
    { name: 'external-valid', what: 'a weight in a data file beside the model', write: external('w.bin', (d, bytes) => writeFileSync(join(d, 'w.bin'), bytes)), expect: { all: ok } },
    { name: 'external-symlink-out', what: 'the data file is a symlink to a file outside the folder', write: external('w.bin', (d, bytes) => { writeFileSync(join(d, '..', `${d.split('/').pop()}-secret.bin`), bytes); symlinkSync(join(d, '..', `${d.split('/').pop()}-secret.bin`), join(d, 'w.bin')); }), expect: { all: bad(/symbolic link to .*outside the model's folder/) } },
    { name: 'external-linked-folder', what: 'the data file sits in a subfolder that links outside', write: external('sub/w.bin', (d, bytes) => { const out = join(d, '..', `${d.split('/').pop()}-elsewhere`); mkdirSync(out, { recursive: true }); writeFileSync(join(out, 'w.bin'), bytes); symlinkSync(out, join(d, 'sub')); }), expect: { all: bad(/outside the model's folder/) } },
    { name: 'external-dotdot', what: 'location "../w.bin"', write: external('../w.bin', (d, bytes) => writeFileSync(join(d, '..', 'w.bin'), bytes)), expect: { all: bad(/points outside the model's folder/) } },
    { name: 'external-absolute', what: 'location "/etc/passwd"', write: external('/etc/passwd'), expect: { all: bad(/points outside the model's folder/) } },
    { name: 'external-missing', what: 'location of a file that is not there', write: external('gone.bin'), expect: { all: bad(/is missing next to the model/) } },
    { name: 'external-short', what: 'a data file shorter than the weight', write: external('w.bin', (d) => writeFileSync(join(d, 'w.bin'), new Uint8Array(10))), expect: { all: bad(/holds 10 bytes of data/) } },
    { name: 'external-directory', what: 'location naming a folder', write: external('dir', (d) => mkdirSync(join(d, 'dir'))), expect: { all: bad(/not a regular file/) } },
    { name: 'external-fifo', what: 'location naming a FIFO (a read would block)', write: external('pipe', (d) => execFileSync('mkfifo', [join(d, 'pipe')])), expect: { all: bad(/not a regular file/) } },
  ];
}
