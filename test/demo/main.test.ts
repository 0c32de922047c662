import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const demo = fileURLToPath(new URL('../../src/demo/main.js', import.meta.url));

describe('npm start', () => {
  it('the demo runs end to end: cut verified, the trained model split over loopback with no accuracy lost at fp32', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [demo], { timeout: 180_000 });
    assert.match(stdout, /verified with ONNX Runtime: .*\(OK\)/);
    assert.match(stdout, /fp32\s+\d+\.\d+%\s+\+0\.00%\s+100\.00%/);
    assert.match(stdout, /fp32 over the stream transport \(tcp:\/\/127\.0\.0\.1:\d+\): accuracy \d+\.\d+%/);
  });
});
