import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { runCli } from '../../test-support/cli/run-cli.js';
import { residualNet } from '../../test-support/tiny-models.js';

describe('cleave analyze / cut', () => {
  let dir = '';
  let model = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cleave-cli-'));
    model = join(dir, 'residual.onnx');
    writeFileSync(model, encodeModel(residualNet()));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('analyze prints the node table then the cut points', async () => {
    const r = await runCli('analyze', model);
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.match(r.stdout, /block\.conv_a\s+Conv\s+1x4x8x8/);
    assert.match(r.stdout, /cut\s+tensors\s+bytes/);
    assert.match(r.stdout, /block\.relu\s+1\.0 KiB/);
  });

  it('analyze --json has totals, nodes and cutPoints with tensors and bytes', async () => {
    const r = await runCli('analyze', model, '--json', '--batch', '4');
    assert.equal(r.code, EXIT.OK);
    const j = JSON.parse(r.stdout) as { totals: { flops: number; params: number }; nodes: unknown[]; cutPoints: { tensors: string[]; bytes: number }[] };
    assert.equal(j.totals.params, 4 * 3 * 9 + 4 + 2 * 4 * 4 * 9 + 2 * 4 * 64);
    assert.equal(j.nodes.length, 8);
    assert.deepEqual(j.cutPoints.map((c) => c.tensors.join()), ['conv1', 'relu1', 'block.add', 'block.relu']);
    assert.equal(j.cutPoints[0]?.bytes, 4 * 4 * 64 * 4);
  });

  it('analyze --csv --table cuts prints CSV', async () => {
    const r = await runCli('analyze', model, '--csv', '--table', 'cuts');
    assert.equal(r.code, EXIT.OK);
    assert.equal(r.stdout.split('\n')[0], 'cut,tensors,bytes,head FLOPs,tail FLOPs,head params,head peak mem');
  });

  it('cut writes head.onnx, tail.onnx and cut.json, verified', async () => {
    const out = join(dir, 'out');
    const r = await runCli('cut', model, '--at', 'relu1', '-o', out, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['cut.json', 'head.onnx', 'tail.onnx']);
    const manifest = JSON.parse(readFileSync(join(out, 'cut.json'), 'utf8')) as { verification: { ok: boolean } };
    assert.equal(manifest.verification.ok, true);
  });

  it('bad inputs: one line on stderr, a non-zero exit, no output files', async () => {
    const out = join(dir, 'bad');
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, encodeModel(residualNet()).subarray(0, 200));
    const text = join(dir, 'notes.onnx');
    writeFileSync(text, 'this is not a model\n');
    const cases: [string[], number, RegExp][] = [
      [['analyze', truncated], EXIT.BAD_MODEL, /not a valid ONNX file|truncated/],
      [['analyze', text], EXIT.BAD_MODEL, /not a valid ONNX file|not an ONNX model/],
      [['analyze', join(dir, 'missing.onnx')], EXIT.IO, /no such file/],
      [['cut', model, '--at', 'relu_1', '-o', out], EXIT.USAGE, /closest: "relu1"/],
      [['cut', model, '--at', 'block.relu_a', '-o', out], EXIT.BAD_CUT, /does not separate the graph/],
      [['cut', model, '--at', 'relu1', '-o', join(model, 'sub')], EXIT.IO, /cannot write/],
      [['analyze', model, '--batch', '0'], EXIT.USAGE, /positive integer/],
      [['analyze', model, '--bogus'], EXIT.USAGE, /unknown option --bogus/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await runCli(...argv);
      assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${argv.join(' ')} printed more than one line: ${r.stderr}`);
    }
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('an op without a rule is reported by name and node, exit 4, and the rest is still analysed', async () => {
    const b = new ModelBuilder({ seed: 1 });
    const x = b.input('input', 'float32', ['N', 3, 8, 8]);
    const c = b.node('Conv', [x, b.param('w', [4, 3, 3, 3])], { pads: [1, 1, 1, 1] }, 'conv');
    const [odd] = b.nodeN('FancyNorm', [c], 1, {}, 'fancy', 'com.example');
    const y = b.node('Relu', [odd!], {}, 'relu');
    b.output(y);
    const model = b.build();
    model.opsetImport.push({ domain: 'com.example', version: 1 });
    const file = join(dir, 'custom.onnx');
    writeFileSync(file, encodeModel(model));
    const r = await runCli('analyze', file, '--json');
    assert.equal(r.code, EXIT.UNSUPPORTED_OP);
    assert.match(r.stderr, /unsupported op com\.example\.FancyNorm .* "fancy"/);
    const j = JSON.parse(r.stdout) as { nodes: { name: string; flops: number; known: boolean }[] };
    assert.equal(j.nodes.find((n) => n.name === 'conv')?.flops, 2 * 4 * 64 * 27);
    assert.equal(j.nodes.find((n) => n.name === 'fancy')?.known, false);
  });

  it('every command has --help', async () => {
    for (const { name: c } of COMMANDS) {
      const r = await runCli(c, '--help');
      assert.equal(r.code, EXIT.OK);
      assert.match(r.stdout, new RegExp(`Usage:\\s+cleave ${c}`));
    }
  });
});
