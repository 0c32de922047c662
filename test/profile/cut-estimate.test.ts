import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { CutError } from '../../src/errors.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { estimateCut } from '../../src/profile/cut-estimate.js';
import type { DeviceProfile } from '../../src/profile/device-profile.js';
import { residualNet } from '../../test-support/tiny-models.js';
import { runCli } from '../../test-support/cli/run-cli.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModel } from '../../src/onnx/codec.js';

/** A device so slow at compute that every node is compute-bound: time = FLOPs / throughput. */
const slow: DeviceProfile = { name: 'slow', kind: 'edge', throughputGflops: { conv: 1, gemm: 1, elementwise: 1 }, memoryBandwidthGBps: 1e6, idleW: 1, busyW: 2 };
const fast: DeviceProfile = { ...slow, name: 'fast', kind: 'server', throughputGflops: { conv: 100, gemm: 100, elementwise: 100 } };

describe('estimateCut', () => {
  const analysis = analyze(graphFromModel(residualNet()), { batch: 1 });

  it('head and tail times are the FLOPs on each side over each device\'s throughput; payload is the cut\'s bytes', () => {
    const e = estimateCut(analysis, ['relu1'], slow, fast);
    const point = analysis.cutPoints.find((c) => c.tensors[0] === 'relu1');
    assert.equal(e.payloadBytes, 4 * 8 * 8 * 4);
    assert.ok(Math.abs(e.headMs - (point?.headFlops ?? 0) / 1e9 * 1000) < 1e-9);
    assert.ok(Math.abs(e.tailMs - (point?.tailFlops ?? 0) / 100e9 * 1000) < 1e-9);
  });

  it('a tensor that is not a cut is refused, as by cleave cut', () => {
    assert.throws(() => estimateCut(analysis, ['block.relu_a'], slow, fast), CutError);
    // A two-tensor cut needs no --max-tensors: it is checked, not looked up.
    assert.equal(estimateCut(analysis, ['block.relu_a', 'relu1'], slow, fast).payloadBytes, 2 * 4 * 8 * 8 * 4);
  });

  it('cleave simulate --model --at --device: payload from the cut, end-to-end times printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-sim-'));
    try {
      const file = join(dir, 'm.onnx');
      writeFileSync(file, encodeModel(residualNet()));
      const r = await runCli('simulate', '--model', file, '--at', 'block.relu', '--device', 'raspberry-pi-4', '--network', 'wifi', '--runs', '3', '--json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { cut: { payloadBytes: number; headMs: number }; analytic: { ms: number }; simulated: { endToEndMs: number } };
      assert.equal(j.cut.payloadBytes, 4 * 8 * 8 * 4);
      assert.ok(j.analytic.ms > j.cut.headMs && j.simulated.endToEndMs > j.cut.headMs);
      const bad = await runCli('simulate', '--model', file, '--at', 'block.relu', '--device', 'toaster', '--network', 'wifi');
      assert.equal(bad.code, 8);
      assert.match(bad.stderr, /unknown device "toaster" \(known: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
