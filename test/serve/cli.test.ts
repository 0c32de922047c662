import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exportCommand } from '../../src/cli/export.js';
import { runCommand } from '../../src/cli/run.js';
import { serveCommand } from '../../src/cli/serve.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { parsePbtxt } from '../../src/package/pbtxt.js';
import { splitNet } from '../../test-support/serve/split-net.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => { out.push(s); }, stderr: (s: string) => { err.push(s); } }, out, err };
}

describe('cleave serve / run / export', () => {
  it('serve a cut folder, classify MNIST test images with run (all answered by the server), then stop gracefully', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-cli-'));
    writeModel(join(dir, 'head.onnx'), splitNet('head'));
    writeModel(join(dir, 'tail.onnx'), splitNet('tail'));
    writeModel(join(dir, 'full.onnx'), splitNet('full'));
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => { stop = r; });
    const s = capture();
    const serving = serveCommand.run([dir, '--port', '0', '--stream-port', '0', '--json', '--no-page'], { ...s.io, stop: stopped });
    try {
      while (s.out.length === 0) await new Promise((r) => setTimeout(r, 10));
      const info = JSON.parse(s.out[0]!) as { url: string; models: string[]; page: string | null; stream: string };
      assert.deepEqual(info.models, ['full', 'head', 'tail']);
      assert.equal(info.page, null);
      assert.match(info.stream, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      const r = capture();
      const code = await runCommand.run(['--server', info.url, '--head', dir, '--dataset', 'mnist', '--count', '20', '--full', join(dir, 'full.onnx'), '--json'], r.io);
      assert.equal(code, 0, r.err.join(''));
      const res = JSON.parse(r.out.join('')) as { accuracy: number; origins: Record<string, number>; results: { label: number; bytesSent: number }[] };
      assert.deepEqual(res.origins, { server: 20 });
      // the same images answered by the whole model locally (server unreachable) give the same labels
      const f = capture();
      assert.equal(await runCommand.run(['--server', 'http://127.0.0.1:9', '--head', dir, '--full', join(dir, 'full.onnx'), '--retries', '0', '--dataset', 'mnist', '--count', '20', '--json'], f.io), 0);
      const local = JSON.parse(f.out.join('')) as { accuracy: number; origins: Record<string, number>; results: { label: number }[] };
      assert.deepEqual(local.origins, { 'local-full': 20 });
      assert.deepEqual(local.results.map((x) => x.label), res.results.map((x) => x.label));
      assert.equal(local.accuracy, res.accuracy);
      assert.ok(res.results.every((x) => x.bytesSent > 6272));
      const t = capture();
      assert.equal(await runCommand.run(['--server', info.url, '--head', dir, '--dataset', 'mnist', '--count', '3'], t.io), 0);
      assert.match(t.out.join(''), /answered by: server 3/);
      // the stream transport gives the same answers as HTTP
      const st = capture();
      assert.equal(await runCommand.run(['--server', info.stream, '--head', dir, '--dataset', 'mnist', '--count', '20', '--json'], st.io), 0, st.err.join(''));
      const streamed = JSON.parse(st.out.join('')) as { origins: Record<string, number>; results: { label: number }[] };
      assert.deepEqual(streamed.origins, { server: 20 });
      assert.deepEqual(streamed.results.map((x) => x.label), res.results.map((x) => x.label));
      await assert.rejects(runCommand.run(['--server', 'ftp://x', '--head', dir, 'x.png'], capture().io), /http:\/\/, https:\/\/ or tcp:\/\//);
    } finally {
      stop();
      assert.equal(await serving, 0);
      assert.match(s.err.join(''), /shutting down/);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('run falls back to the whole model when the server is unreachable, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-cli-'));
    try {
      writeModel(join(dir, 'head.onnx'), splitNet('head'));
      writeModel(join(dir, 'full.onnx'), splitNet('full'));
      const r = capture();
      const code = await runCommand.run(['--server', 'http://127.0.0.1:9', '--head', dir, '--full', join(dir, 'full.onnx'), '--dataset', 'mnist', '--count', '2', '--retries', '0'], r.io);
      assert.equal(code, 0);
      assert.match(r.out.join(''), /answered by: local-full 2/);
      assert.match(r.out.join(''), /fallback because: request failed/);
      await assert.rejects(runCommand.run(['--head', dir, 'x.png'], capture().io), /--server/);
      // a head with an early exit answers from the exit
      writeModel(join(dir, 'head-exit.onnx'), splitNet('head-exit'));
      const e = capture();
      assert.equal(await runCommand.run(['--server', 'http://127.0.0.1:9', '--head', join(dir, 'head-exit.onnx'), '--exit-output', 'exit_logits', '--cut-output', 'cut', '--dataset', 'mnist', '--count', '2', '--retries', '0', '--json'], e.io), 0);
      assert.deepEqual((JSON.parse(e.out.join('')) as { origins: unknown }).origins, { 'local-exit': 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('export triton writes a repository whose config parses back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-cli-'));
    try {
      writeModel(join(dir, 'tail.onnx'), splitNet('tail'));
      const r = capture();
      assert.equal(await exportCommand.run(['triton', dir, '-o', join(dir, 'repo'), '--max-batch-size', '4', '--json'], r.io), 0);
      const res = JSON.parse(r.out.join('')) as { files: string[] };
      assert.equal(res.files.length, 3);
      const cfg = parsePbtxt(readFileSync(join(dir, 'repo', 'tail', 'config.pbtxt'), 'utf8'));
      assert.deepEqual(cfg.max_batch_size, [4]);
      for (const command of [serveCommand, runCommand, exportCommand]) {
        const h = capture();
        assert.equal(await command.run(['--help'], h.io), 0);
        assert.match(h.out.join(''), /^Usage: cleave /);
      }
      await assert.rejects(exportCommand.run(['onnx', dir, '-o', 'x'], capture().io), /one target, triton/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
