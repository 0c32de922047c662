import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundleWebApp } from '../../src/serve/bundle.js';

describe('browser bundle', () => {
  it('bundles the page with the edge client and onnxruntime-web, and nothing from Node', async () => {
    const js = await bundleWebApp();
    assert.ok(js.length > 10_000);
    assert.doesNotMatch(js, /onnxruntime-node/);
    assert.doesNotMatch(js, /from\s*["']node:/);
    assert.doesNotMatch(js, /require\(["'](fs|http|zlib|node:)/);
    // the wasm loader is fetched from the server at run time, not inlined from a CDN
    assert.match(js, /ort-wasm-simd-threaded/);
    assert.doesNotMatch(js, /cdn\.jsdelivr|unpkg\.com/);
    assert.match(js, /inference-header-content-length/);
  });
});
