import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { BadProfileError } from '../../src/errors.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import { parseOrtTrace } from '../../src/profile/ort-trace.js';
import { recordOrtTrace } from '../../src/profile/profile-model.js';
import { randomFeeds } from '../../src/runtime/random-feeds.js';

describe('parseOrtTrace', () => {
  it('reads a trace ORT records for a small model: one run per call, one kernel per ONNX node', async () => {
    const model = buildModel('small-cnn');
    const graph = graphFromModel(model);
    const a = analyze(graph);
    const text = await recordOrtTrace(model, randomFeeds(graph, a.inference), { optimize: false, threads: 1, runs: 3 });
    const runs = parseOrtTrace(text, 'recorded');
    assert.equal(runs.length, 3);
    for (const run of runs) {
      assert.deepEqual(run.kernels.map((k) => k.name), graph.nodeNames);
      assert.deepEqual(run.kernels.map((k) => k.opType), graph.nodes.map((n) => n.opType));
      const sum = run.kernels.reduce((s, k) => s + k.durUs, 0);
      assert.ok(run.kernels.every((k) => k.durUs >= 0 && k.provider === 'CPUExecutionProvider'));
      assert.ok(sum <= run.durUs, `kernels (${sum} us) fit inside their run (${run.durUs} us)`);
    }
  });

  it('assigns kernels to the run that contains them and ignores other events', () => {
    const ev = (name: string, ts: number, dur: number, cat = 'Node', op = 'Relu') => ({ cat, name, ts, dur, ph: 'X', pid: 1, tid: 1, args: cat === 'Node' ? { op_name: op, provider: 'CPUExecutionProvider' } : {} });
    const trace = [
      ev('session_initialization', 0, 100, 'Session'),
      ev('a_kernel_time', 150, 3),
      ev('a_fence_before', 150, 0),
      ev('b_kernel_time', 155, 4, 'Node', 'Conv'),
      ev('model_run', 140, 30, 'Session'),
      ev('model_run', 200, 20, 'Session'),
      ev('a_kernel_time', 205, 2),
      ev('stray_kernel_time', 500, 9),
    ];
    const runs = parseOrtTrace(JSON.stringify(trace));
    assert.deepEqual(runs.map((r) => r.durUs), [30, 20]);
    assert.deepEqual(runs[0]?.kernels.map((k) => [k.name, k.opType, k.durUs]), [['a', 'Relu', 3], ['b', 'Conv', 4]]);
    assert.deepEqual(runs[1]?.kernels.map((k) => k.name), ['a']);
    assert.equal(parseOrtTrace(JSON.stringify({ traceEvents: trace })).length, 2);
  });

  it('rejects text that is not a trace, naming the problem', () => {
    assert.throws(() => parseOrtTrace('{oops', 'p.json'), (e: unknown) => e instanceof BadProfileError && /p\.json: not valid JSON/.test(e.message));
    assert.throws(() => parseOrtTrace('{"a":1}', 'p.json'), (e: unknown) => e instanceof BadProfileError && /expected a JSON array of trace events/.test(e.message));
    assert.throws(
      () => parseOrtTrace(JSON.stringify([{ cat: 'Session', name: 'model_run', ts: 0, dur: 'x' }]), 'p.json'),
      (e: unknown) => e instanceof BadProfileError && /"model_run" has no valid "dur"/.test(e.message),
    );
  });
});
