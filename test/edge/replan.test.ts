import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EdgeClient, type Prediction } from '../../src/edge/client.js';
import { edgeConfigOptions, parseEdgeConfig } from '../../src/edge/edge-config.js';
import { FakeClock, FakeLink, fakeHead, fakeInput, TWO_CUT_CONFIG as CONFIG } from '../../test-support/edge/fake-split.js';

const FAST = 300;
const SLOW = 3;
/** Exit gaps: g = 6 is confident at 0.9 (max softmax 0.978), g = 1 is not (0.23). */
const SURE = 6;
const UNSURE = 1;

function rig() {
  const clock = new FakeClock();
  const link = new FakeLink(clock, (model) => (model === 'tail-block1' ? 1 : 2));
  const heads = new Map([
    ['block1', fakeHead('block1_out', 100_000, ['exit_0_logits'])],
    ['block2', fakeHead('block2_out', 10_000, ['exit_0_logits', 'exit_1_logits'])],
  ]);
  const config = parseEdgeConfig(CONFIG);
  const client = new EdgeClient({ serverUrl: 'http://fake', ...edgeConfigOptions(config, heads), transport: link.transport, now: clock.now, retry: { retries: 0 } });
  return { clock, link, heads, config, client };
}

describe('edge client: exits and re-planning on a fake link and clock', () => {
  it('the table of the config is the hand computation', () => {
    const { config } = rig();
    assert.deepEqual(config.table.bands.map((b) => b.cut), ['block2', 'block1']);
    assert.ok(Math.abs(config.table.bands[0]!.toMbps - 2432 / 80.28) < 1e-9);
    assert.deepEqual(config.cuts.map((c) => c.exits.map((e) => e.output)), [['exit_0_logits'], ['exit_0_logits', 'exit_1_logits']]);
  });

  it('a confident exit answers with origin exit-<k> and sends nothing; otherwise the server answers', async () => {
    const { link, client } = rig();
    const sure = await client.predict(fakeInput(1, [SURE]));
    assert.equal(sure.origin, 'exit-0');
    assert.equal(sure.cut, 'block1');
    assert.equal(sure.bytesSent, 0);
    assert.equal(sure.labels[0], 3);
    assert.ok(Math.abs(sure.confidence?.[0]! - Math.exp(6) / (Math.exp(6) + 9)) < 1e-6);
    assert.equal(link.calls.length, 0);
    const sent = await client.predict(fakeInput(2, [UNSURE]));
    assert.equal(sent.origin, 'server');
    assert.equal(sent.labels[0], 1, 'tail-block1 answered');
    assert.equal(link.calls.length, 1);
    assert.ok(sent.bytesSent > 400_000);
    // Per call: a threshold for exit 0 that this input meets, then exit 0 off.
    assert.equal((await client.predict(fakeInput(3, [UNSURE]), { thresholds: { exit_0_logits: 0.2 } })).origin, 'exit-0');
    assert.equal((await client.predict(fakeInput(4, [SURE]), { thresholds: { exit_0_logits: null } })).origin, 'server');
  });

  it('moves to the deep cut when the link slows, back when it speeds up; stalls and exits do not move it; every request counted once', async () => {
    const { link, client } = rig();
    const answers: Prediction[] = [];
    const ask = async (gaps: readonly number[]) => {
      answers.push(await client.predict(fakeInput(answers.length, gaps)));
      return answers[answers.length - 1]!;
    };
    link.mbps = FAST;
    for (let i = 0; i < 5; i++) await ask([UNSURE]);
    assert.equal(client.cut, 'block1');
    assert.ok(Math.abs(client.uplinkMbps! - FAST) < 1e-6, `estimate ${client.uplinkMbps}`);
    // Two stalls of 3 s in a row at the fast rate: the median of five holds.
    link.stalls.push(3000, 3000);
    await ask([UNSURE]);
    await ask([UNSURE]);
    assert.equal(client.cut, 'block1');
    // Three more fast requests push the stalls out of the window.
    for (let i = 0; i < 3; i++) await ask([UNSURE]);
    // Confident requests send nothing and measure nothing.
    await ask([SURE]);
    await ask([SURE]);
    // The link slows: the third slow request makes the median slow, and the cut moves.
    link.mbps = SLOW;
    await ask([UNSURE]);
    await ask([UNSURE]);
    assert.equal(client.cut, 'block1');
    await ask([UNSURE]);
    assert.equal(client.cut, 'block2');
    const deep = await ask([UNSURE, UNSURE]);
    assert.equal(deep.cut, 'block2');
    assert.equal(deep.labels[0], 2, 'tail-block2 answered');
    assert.ok(deep.bytesSent > 40_000 && deep.bytesSent < 41_000);
    assert.equal((await ask([UNSURE, SURE])).origin, 'exit-1');
    assert.equal((await ask([SURE, SURE])).origin, 'exit-0');
    await ask([UNSURE, UNSURE]);
    await ask([UNSURE, UNSURE]);
    assert.equal(client.cut, 'block2');
    // Fast again: three measured requests on the deep cut, then back.
    link.mbps = FAST;
    await ask([UNSURE, UNSURE]);
    await ask([UNSURE, UNSURE]);
    assert.equal(client.cut, 'block2');
    await ask([UNSURE, UNSURE]);
    assert.equal(client.cut, 'block1');
    await ask([UNSURE]);

    const stats = client.stats();
    assert.equal(stats.requests, answers.length);
    assert.equal(stats.answered, answers.length);
    assert.equal(stats.failed, 0);
    assert.equal(stats.inFlight, 0);
    assert.deepEqual(stats.byCut, { block1: { server: 14, 'exit-0': 2 }, block2: { server: 6, 'exit-1': 1, 'exit-0': 1 } });
    assert.deepEqual(stats.byOrigin, { server: 20, 'exit-0': 3, 'exit-1': 1 });
    // What the server saw: one request per server answer, on the cut's own tail.
    assert.equal(link.calls.filter((c) => c.model === 'tail-block1').length, 14);
    assert.equal(link.calls.filter((c) => c.model === 'tail-block2').length, 6);
    assert.equal(link.timingAsked, link.calls.length, 'every request asked for the server\'s time');
    assert.equal(new Set(answers.map((a) => a.requestId)).size, answers.length);
    assert.deepEqual(stats.switches.map((s) => [s.from, s.to, s.atSample]), [['block1', 'block2', 13], ['block2', 'block1', 19]]);
    assert.equal(stats.measured, 20);
  });

  it('a server that does not report its time: the estimate counts it as the wire\'s', async () => {
    const { link, client } = rig();
    link.mbps = 100;
    link.serverMs = 40;
    link.reportsServerMs = false;
    for (let i = 0; i < 3; i++) await client.predict(fakeInput(i, [UNSURE]));
    const bytes = link.calls[0]!.bytes;
    const want = (8 * bytes) / (1000 * ((8 * bytes) / (1000 * 100) + 40));
    assert.ok(Math.abs(client.uplinkMbps! - want) < 1e-9, `${client.uplinkMbps} vs ${want}`);
  });

  it('askServerTime: false sends no timing parameter; the estimate then counts the server\'s time as the wire\'s', async () => {
    const clock = new FakeClock();
    const link = new FakeLink(clock);
    link.mbps = 100;
    link.serverMs = 40;
    const client = new EdgeClient({
      serverUrl: 'http://fake', model: 'tail', head: fakeHead('cut', 1000, []), transport: link.transport, now: clock.now, askServerTime: false, rate: { minSamples: 1 },
    });
    await client.predict(fakeInput(1, []));
    const bytes = link.calls[0]!.bytes;
    assert.ok(Math.abs(client.uplinkMbps! - (8 * bytes) / (1000 * ((8 * bytes) / (1000 * 100) + 40))) < 1e-9);
    assert.equal(link.timingAsked, 0);
  });

  it('a failing server: the deepest exit of the cut\'s head answers, whatever its confidence', async () => {
    const { link, client } = rig();
    link.failWith = 503;
    const p = await client.predict(fakeInput(1, [UNSURE]));
    assert.equal(p.origin, 'local-exit');
    assert.equal(p.cut, 'block1');
    assert.equal(p.labels[0], 3);
    assert.deepEqual(client.stats().byOrigin, { 'local-exit': 1 });
    assert.equal(client.stats().measured, 0);
  });
});
