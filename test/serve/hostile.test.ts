import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../../src/serve/bundle.js';
import { hostileCases, hostileTable } from '../../test-support/hostile/cases.js';
import { fuzzServer } from '../../test-support/hostile/fuzz.js';
import { type HostileTarget, expectNothingHeld, expectServing, startTarget } from '../../test-support/hostile/target.js';

describe('hostile clients against cleave serve (HTTP and stream port)', () => {
  let target: HostileTarget;
  before(async () => { target = await startTarget(); });
  after(async () => { await target?.server.close(); });

  for (const [k, c] of hostileCases().entries()) {
    it(`${c.id}: ${c.does} -> ${c.gets}`, async () => {
      await c.run(target);
      await expectNothingHeld(target);
      await expectServing(target, k);
    });
  }

  // `npm test` runs a few hundred mutations (seconds); CLEAVE_FUZZ=long runs 20,000 and
  // CLEAVE_FUZZ_SEED=N replays the runs of seed N (see docs/hostile-inputs.md).
  const long = process.env.CLEAVE_FUZZ === 'long';
  const seed = Number(process.env.CLEAVE_FUZZ_SEED ?? 14);
  const runs = long ? 20_000 : 300;
  it(`fuzz: ${runs} mutated requests and frames (seed ${seed}) each end in a 2xx, 4xx or 503 reply or a close; the server serves on`, { timeout: long ? 3_600_000 : 300_000 }, async (t) => {
    const tally = await fuzzServer(target, { seed, runs });
    await expectNothingHeld(target);
    await expectServing(target, runs);
    t.diagnostic(`fuzz outcomes: ${JSON.stringify(tally)}`);
    // The mutations must reach past the framing: some runs are answered, some refused, some closed.
    assert.ok(Object.keys(tally).length >= 4, JSON.stringify(tally));
  });
});

describe('docs/hostile-inputs.md', () => {
  it('lists every hostile case with what it gets, as the suite runs it', () => {
    const doc = readFileSync(`${repoRoot()}docs/hostile-inputs.md`, 'utf8');
    for (const row of hostileTable(hostileCases())) assert.ok(doc.includes(row), `docs/hostile-inputs.md lacks the row:\n${row}`);
  });
});
