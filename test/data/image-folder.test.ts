import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodePng } from '../../src/image/decode.js';
import { loadImageFolder, splitFolder } from '../../src/data/image-folder.js';
import { greyJpeg, solid, writeImageFolder } from '../../test-support/isplit/folder.js';

describe('loadImageFolder', () => {
  it('reads class subfolders in sorted order, round-robin, skipping non-images', () => {
    const dir = writeImageFolder({ cat: [10, 20, 30], dog: [200, 210] }, 6);
    const ds = loadImageFolder(dir, { input: [1, 3, 3] });
    assert.deepEqual(ds.classNames, ['cat', 'dog']);
    assert.equal(ds.classes, 2);
    assert.equal(ds.count, 5);
    assert.deepEqual(Array.from(ds.labels), [0, 1, 0, 1, 0]);
    assert.deepEqual([ds.channels, ds.height, ds.width], [1, 3, 3]);
    // Solid grey images stay their grey level through luma and bilinear resizing.
    assert.deepEqual(Array.from(ds.images.subarray(0, 9)), new Array(9).fill(10));
    assert.deepEqual(Array.from(ds.images.subarray(9, 18)), new Array(9).fill(200));
    assert.equal(ds.images[4 * 9], 30);
  });

  it('converts colour to grey (ITU-R 601 luma) or keeps RGB planes, and reads JPEG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-isplit-'));
    mkdirSync(join(dir, 'red'));
    mkdirSync(join(dir, 'grey'));
    writeFileSync(join(dir, 'red', 'a.png'), encodePng(solid(2, 2, [255, 0, 0])));
    writeFileSync(join(dir, 'grey', 'b.jpg'), greyJpeg(8, 128));
    const grey = loadImageFolder(dir, { input: [1, 2, 2] });
    assert.equal(grey.classNames[1], 'red');
    assert.equal(grey.images[4], Math.round(0.299 * 255)); // the red image, second in the round-robin
    assert.ok(Math.abs(grey.images[0]! - 128) <= 2, `JPEG grey ${grey.images[0]}`);
    const rgb = loadImageFolder(dir, { input: [3, 2, 2] });
    assert.deepEqual(Array.from(rgb.images.subarray(12, 24)), [255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('keeps a limit balanced across classes and follows given class names', () => {
    const dir = writeImageFolder({ a: [1, 2, 3], b: [4, 5, 6], c: [7] });
    assert.deepEqual(Array.from(loadImageFolder(dir, { input: [1, 4, 4], limit: 4 }).labels), [0, 1, 2, 0]);
    const named = loadImageFolder(dir, { input: [1, 4, 4], classNames: ['c', 'a'] });
    assert.deepEqual(Array.from(named.labels), [0, 1, 1, 1]);
    assert.throws(() => loadImageFolder(dir, { input: [1, 4, 4], classNames: ['a', 'zebra'] }), /no subfolder "zebra"/);
  });

  it('says what is wrong with a folder', () => {
    const one = writeImageFolder({ only: [1] });
    assert.throws(() => loadImageFolder(one, { input: [1, 4, 4] }), /one subfolder per class/);
    assert.throws(() => loadImageFolder(join(one, 'missing'), { input: [1, 4, 4] }), /is not a folder/);
    const empty = mkdtempSync(join(tmpdir(), 'cleave-isplit-'));
    mkdirSync(join(empty, 'a'));
    mkdirSync(join(empty, 'b'));
    assert.throws(() => loadImageFolder(empty, { input: [1, 4, 4] }), /no PNG or JPEG/);
    assert.throws(() => loadImageFolder(one, { input: [2, 4, 4] as const, classNames: ['only', 'only'] }), /1 \(grey\) or 3 \(RGB\)/);
  });

  it('uses DIR/train and DIR/test when present', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-isplit-'));
    writeImageFolder({ a: [1], b: [2] }, 4, join(dir, 'train'));
    assert.deepEqual(splitFolder(dir, 'train'), { folder: join(dir, 'train'), shared: false });
    assert.deepEqual(splitFolder(dir, 'test'), { folder: dir, shared: true });
  });
});
