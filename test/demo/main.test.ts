import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const demo = fileURLToPath(new URL('../../src/demo/main.js', import.meta.url));

describe('npm start', () => {
  it('the demo runs end to end: cut verified, the trained model split over loopback with no accuracy lost at fp32, then planned under a requirement, deployed and run as the plan measured', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [demo], { timeout: 180_000 });
    assert.match(stdout, /verified with ONNX Runtime: .*\(OK\)/);
    assert.match(stdout, /fp32\s+\d+\.\d+%\s+\+0\.00%\s+100\.00%/);
    assert.match(stdout, /fp32 over the stream transport \(tcp:\/\/127\.0\.0\.1:\d+\): accuracy \d+\.\d+%/);
    // Step 5: the plan under the stated requirement, deployed and run: the run measures on the plan's images what the plan measured.
    assert.match(stdout, /requirement: .*median latency <= 60 ms, accuracy >= 98%/);
    assert.match(stdout, /recommended: cut=\S+ codec=\S+ exits=none sparsity=dense device=raspberry-pi-4 network=4g/);
    assert.match(stdout, /deployed to <tmp>\/deploy: plan\.json, edge\.json, head\.onnx, tail\.onnx/);
    assert.match(stdout, /bytes per inference\s+(\d+\.\d)\s+\1\n/);
    assert.match(stdout, /accuracy\s+(\d+\.\d+)% \(measured\)\s+\1% on 300\n/);
  });
});
