import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { BodyBudget, DEFAULT_PENDING_BODY_BYTES, resolveLimits } from '../../src/serve/limits.js';

describe('resolveLimits', () => {
  it('fills in the defaults: JSON capped by the body limit, pending bodies at least one body limit', () => {
    const d = resolveLimits();
    assert.deepEqual(d, {
      bodyLimitBytes: 64 * 2 ** 20, jsonLimitBytes: 8 * 2 ** 20, maxPendingBodyBytes: DEFAULT_PENDING_BODY_BYTES,
      headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, idleTimeoutMs: 60_000, maxConnections: 1024,
    });
    assert.equal(resolveLimits({ bodyLimitBytes: 1000 }).jsonLimitBytes, 1000);
    assert.equal(resolveLimits({ bodyLimitBytes: 512 * 2 ** 20 }).maxPendingBodyBytes, 512 * 2 ** 20);
  });

  it('refuses limits that are not positive integers or contradict each other, saying which', () => {
    const refused = (l: Parameters<typeof resolveLimits>[0], message: RegExp) =>
      assert.throws(() => resolveLimits(l), (e: unknown) => e instanceof BadRequestError && message.test(e.message));
    refused({ maxConnections: 0 }, /connection limit must be a positive integer, got 0/);
    refused({ requestTimeoutMs: 1.5 }, /request timeout \(ms\) must be a positive integer/);
    refused({ bodyLimitBytes: -1 }, /body limit/);
    refused({ bodyLimitBytes: 2000, maxPendingBodyBytes: 1000 }, /pending body limit \(1000 bytes\) is below the body limit \(2000 bytes\)/);
    refused({ headersTimeoutMs: 500, requestTimeoutMs: 100 }, /headers timeout \(500 ms\) is longer than the request timeout \(100 ms\)/);
  });
});

describe('BodyBudget', () => {
  it('takes bytes while they fit, refuses the rest whole, and takes again once given back', () => {
    const b = new BodyBudget(100);
    assert.equal(b.take(60), true);
    assert.equal(b.take(41), false);
    assert.equal(b.heldBytes, 60);
    assert.equal(b.take(40), true);
    b.give(60);
    assert.equal(b.take(60), true);
    assert.equal(b.heldBytes, 100);
    assert.match(b.refusal(), /holds 100 bytes of request bodies from other clients \(limit 100 bytes\); retry later/);
  });
});
