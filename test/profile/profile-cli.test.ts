import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { profileCommand } from '../../src/cli/profile.js';
import { buildModel } from '../../src/models/catalogue.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { parseDeviceProfile } from '../../src/profile/device-profile.js';
import { deviceProfileOf, type MeasuredSection } from '../../src/profile/measured-device.js';
import { runCli } from '../../test-support/cli/run-cli.js';

/** Runs the command like main() does: output captured, errors turned into their exit code. */
async function profile(...argv: string[]): Promise<{ code: number; stdout: string; error: string }> {
  let stdout = '';
  try {
    const code = await profileCommand.run(argv, { stdout: (t) => { stdout += t; }, stderr: () => {} });
    return { code, stdout, error: '' };
  } catch (e) {
    return { code: exitCodeFor(e), stdout, error: (e as Error).message };
  }
}

const FAST = ['--warmup', '0', '--repeats', '2', '--threads', '1', '--measure-cuts', '1'];

describe('cleave profile', () => {
  let dir = '';
  let model = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cleave-profile-cli-'));
    model = join(dir, 'small-cnn.onnx');
    writeFileSync(model, encodeModel(buildModel('small-cnn')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help explains what is measured at which optimisation level', async () => {
    const r = await profile('--help');
    assert.equal(r.code, EXIT.OK);
    assert.equal(r.stdout, profileCommand.help);
    assert.match(r.stdout, /DISABLED/);
    assert.match(r.stdout, /--measure-cuts/);
  });

  it('prints end-to-end vs node sum, top nodes, op classes, cuts and the device line', async () => {
    const r = await profile(model, ...FAST, '--top', '4');
    assert.equal(r.code, EXIT.OK, r.error);
    assert.match(r.stdout, /end-to-end, optimisation all: +[\d.]+ ms/);
    assert.match(r.stdout, /sum of node medians \(disabled\): +[\d.]+ ms; end-to-end \/ node sum = [\d.]+/);
    assert.match(r.stdout, /top 4 of 10 nodes by time/);
    assert.match(r.stdout, /conv +3 +1\.03 M/);
    assert.match(r.stdout, /per op type:\nop +nodes +FLOPs +ms +share\n[- ]+\n(Conv|Relu|MaxPool|Gemm|Flatten) /);
    assert.match(r.stdout, /head ms +tail ms +fused head +fused tail +measured head/);
    assert.match(r.stdout, /calibration [\d.]+ = measured/);
  });

  it('--json and -o write the same device profile, loadable by the device-profile schema', async () => {
    const out = join(dir, 'sub', 'device.json');
    const r = await profile(model, ...FAST, '--json', '-o', out, '--name', 'test-box', '--kind', 'server', '--idle-w', '3', '--busy-w', '7');
    assert.equal(r.code, EXIT.OK, r.error);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(written, printed);
    const d = parseDeviceProfile(readFileSync(out, 'utf8'), out);
    assert.equal(deviceProfileOf(d, out), d);
    assert.equal(d.name, 'test-box');
    assert.equal(d.kind, 'server');
    assert.equal(d.busyW, 7);
    const m = written.measured as MeasuredSection;
    assert.equal(m.settings.repeats, 2);
    assert.equal(m.threads, 1);
    assert.equal(m.nodes.length, 10);
    assert.equal(m.cuts.filter((c) => c.measured).length, 1);
  });

  it('bad inputs give clear errors and their exit codes', async () => {
    const missing = await profile(join(dir, 'nope.onnx'));
    assert.equal(missing.code, EXIT.IO);
    assert.match(missing.error, /cannot read .*nope\.onnx: no such file/);
    const zero = await profile(model, '--repeats', '0');
    assert.equal(zero.code, EXIT.USAGE);
    assert.match(zero.error, /--repeats must be a positive integer, got "0"/);
    assert.match((await profile(model, '--warmup=-1')).error, /--warmup must be an integer >= 0/);
    assert.match((await profile(model, '--measure-cuts', 'some')).error, /--measure-cuts must be a count >= 0 or "all", got "some"/);
    assert.match((await profile(model, '--kind', 'toaster')).error, /--kind must be edge, phone or server/);
    assert.match((await profile(model, '--idle-w', '5', '--busy-w', '2')).error, /--busy-w \(2\) must be >= --idle-w \(5\)/);
    const ref = await profile(model, '--reference', 'pi5');
    assert.equal(ref.code, EXIT.BAD_PROFILE);
    assert.match(ref.error, /unknown device "pi5" \(known: /);
    assert.equal((await profile()).code, EXIT.USAGE);
    const viaMain = await runCli('profile', join(dir, 'nope.onnx'));
    assert.equal(viaMain.code, EXIT.IO);
    assert.match(viaMain.stderr, /^cleave profile: cannot read .*nope\.onnx: no such file\n$/);
    assert.equal((await profile(model, '--bogus')).code, EXIT.USAGE);
  });
});
