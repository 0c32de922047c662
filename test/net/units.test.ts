import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBitRate, parseBytes, parseDurationMs, parsePercent } from '../../src/net/units.js';

describe('units', () => {
  it('sizes: decimal and binary prefixes', () => {
    assert.equal(parseBytes('250KB'), 250_000);
    assert.equal(parseBytes('1.5MiB'), 1_572_864);
    assert.equal(parseBytes('4096'), 4096);
    assert.equal(parseBytes('2 MB'), 2_000_000);
    assert.equal(parseBytes('1KiB'), 1024);
    assert.throws(() => parseBytes('10XB', '--payload'), /--payload: unknown unit "xb"/);
    assert.throws(() => parseBytes('0KB', '--payload'), /must be > 0/);
    assert.throws(() => parseBytes('abc', '--payload'), /cannot read "abc"/);
  });

  it('bit rates', () => {
    assert.equal(parseBitRate('10mbit'), 10e6);
    assert.equal(parseBitRate('500kbit'), 500e3);
    assert.equal(parseBitRate('1gbit'), 1e9);
    assert.equal(parseBitRate('25Mbps'), 25e6);
    assert.throws(() => parseBitRate('10'), /unknown unit "\(none\)"/);
    assert.throws(() => parseBitRate('-3mbit'), /must be > 0/);
    assert.throws(() => parseBitRate('0mbit'), /must be > 0/);
  });

  it('durations and percentages', () => {
    assert.equal(parseDurationMs('50ms'), 50);
    assert.equal(parseDurationMs('0.2s'), 200);
    assert.equal(parseDurationMs('300us'), 0.3);
    assert.equal(parseDurationMs('7'), 7);
    assert.throws(() => parseDurationMs('5min'), /unknown unit "min"/);
    assert.equal(parsePercent('1%'), 0.01);
    assert.equal(parsePercent('0.5%'), 0.005);
    assert.equal(parsePercent('2'), 0.02);
    assert.throws(() => parsePercent('100%'), /below 100%/);
    assert.throws(() => parsePercent('1x'), /expected a percentage/);
  });
});
