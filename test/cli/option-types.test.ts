import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atLeast, between, duration, each, inputShapes, integer, list, matches, number, oneOf, percent, positive, rate, size, text,
} from '../../src/cli/option-types.js';
import { BadRequestError } from '../../src/errors.js';

describe('option types', () => {
  it('integer: whole numbers only, as numbers', () => {
    assert.equal(integer.parse('12', 'n'), 12);
    assert.equal(integer.parse('-3', 'n'), -3);
    for (const bad of ['1.5', 'x', '', '1e3', '12abc', '9007199254740993']) assert.equal(integer.parse(bad, 'n'), undefined, bad);
  });

  it('number: finite decimals and exponents', () => {
    assert.equal(number.parse('0.5', 'x'), 0.5);
    assert.equal(number.parse('1e-3', 'x'), 0.001);
    for (const bad of ['x', '', ' ', 'Infinity', 'NaN', '1,5']) assert.equal(number.parse(bad, 'x'), undefined, bad);
  });

  it('text: any text as given', () => {
    assert.equal(text.parse(' a b ', 't'), ' a b ');
  });

  it('oneOf: one of its words, spelled out for messages', () => {
    const t = oneOf('nodes', 'cuts', 'all');
    assert.equal(t.parse('cuts', 'table'), 'cuts');
    assert.equal(t.parse('Cuts', 'table'), undefined);
    assert.equal(t.accepts, 'nodes, cuts or all');
    assert.equal(t.arg, 'nodes|cuts|all');
  });

  it('list: comma-separated elements, empty items skipped, one bad element fails the list; repeats append', () => {
    const t = list(number);
    assert.deepEqual(t.parse('0.5, 1,2', 'mean'), [0.5, 1, 2]);
    assert.deepEqual(t.parse('a,', 'mean') ?? null, null);
    assert.deepEqual(list(text).parse('relu1,,relu2', 'layer'), ['relu1', 'relu2']);
    assert.equal(t.parse(',', 'mean'), undefined);
    assert.equal(t.parse('1,x', 'mean'), undefined);
    assert.deepEqual(t.merge?.([1], [2, 3]), [1, 2, 3]);
    assert.equal(t.accepts, 'numbers separated by commas');
    assert.equal(list(text, 'tensor names').accepts, 'tensor names separated by commas');
  });

  it('units: durations in ms, sizes in bytes, rates in bit/s, percentages as fractions', () => {
    assert.equal(duration.parse('50ms', 'rtt'), 50);
    assert.equal(duration.parse('0.2s', 'rtt'), 200);
    assert.equal(duration.parse('5', 'rtt'), 5);
    assert.equal(size.parse('250KB', 'payload'), 250_000);
    assert.equal(size.parse('1.5MiB', 'payload'), 1.5 * 1024 * 1024);
    assert.equal(rate.parse('10mbit', 'bandwidth'), 1e7);
    assert.equal(percent.parse('0.5%', 'loss'), 0.005);
    // The unit parsers diagnose the text themselves, naming the flag.
    assert.throws(() => duration.parse('5 parsecs', 'rtt'), (e: unknown) => e instanceof BadRequestError && /--rtt: unknown unit "parsecs"/.test(e.message));
    assert.throws(() => size.parse('10XB', 'payload'), /--payload: unknown unit/);
    assert.throws(() => rate.parse('-3mbit', 'bandwidth'), /--bandwidth must be > 0/);
    assert.equal(duration.show?.(5), '5ms');
    assert.equal(percent.show?.(0.01), '1%');
  });

  it('inputShapes: NAME=D1xD2..., repeats merge', () => {
    assert.deepEqual(inputShapes.parse('input=1x3x224x224', 'input-shape'), { input: [1, 3, 224, 224] });
    assert.deepEqual(inputShapes.parse('a=b=2x3', 'input-shape'), { 'a=b': [2, 3] });
    for (const bad of ['input', 'input=', 'input=1x', '=1x3', 'input=1,3']) assert.equal(inputShapes.parse(bad, 'input-shape'), undefined, bad);
    assert.deepEqual(inputShapes.merge?.({ a: [1] }, { b: [2], a: [3] }), { a: [3], b: [2] });
  });

  it('checks test the value and word the accepted set after the type', () => {
    assert.equal(positive.test(0), false);
    assert.equal(positive.test(1e-9), true);
    assert.equal(positive.says(integer), 'a positive integer');
    assert.equal(positive.says(number), 'a positive number');
    assert.equal(atLeast(0).test(0), true);
    assert.equal(atLeast(0).test(-1), false);
    assert.equal(atLeast(0).says(integer), 'an integer >= 0');
    assert.equal(between(576, 65535).test(575), false);
    assert.equal(between(576, 65535).test(65535), true);
    assert.equal(between(0, 1).says(number), 'a number from 0 to 1');
    assert.equal(between(0, 65535).says(integer), 'an integer from 0 to 65535');
    assert.equal(each(positive).test([1, 2]), true);
    assert.equal(each(positive).test([1, 0]), false);
    assert.equal(each(positive).says(list(number)), 'numbers separated by commas, each a positive number');
    const url = matches(/^https?:\/\//, 'an http:// or https:// URL');
    assert.equal(url.test('ftp://x'), false);
    assert.equal(url.says(text), 'an http:// or https:// URL');
  });
});
