import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadMnist } from '../../src/data/datasets.js';
import { readTemperatures } from '../../src/exits/apply-temperatures.js';
import { calibrateExits } from '../../src/exits/calibrate-model.js';
import { exitLogits } from '../../src/exits/exit-logits.js';
import { heldOutPart } from '../../src/exits/held-out.js';
import { trainedLenetExits } from '../../test-support/exits/lenet-exits.js';

describe('calibrateExits on real held-out images', () => {
  it('LeNet with 2 exits trained 200 steps on MNIST: fitted on 1000 test images, ECE falls on 1000 others; ORT then outputs logits / T', async () => {
    const model = await trainedLenetExits();
    const test = loadMnist('test', { limit: 2000 });
    const [fitData, checkData] = [heldOutPart(test, 'calibration'), heldOutPart(test, 'evaluation')];
    const r = await calibrateExits(model, fitData, checkData);
    assert.equal(r.fitImages, 1000);
    assert.equal(r.checkImages, 1000);
    // The weak exit (6 channels averaged) is badly calibrated before; the fit fixes much of it.
    const weak = r.exits[0];
    assert.ok(weak && weak.eceBefore > 0.05, `ECE before ${weak?.eceBefore}`);
    assert.ok(weak.eceAfter < 0.8 * weak.eceBefore, `exit_0 ECE ${weak.eceBefore} -> ${weak.eceAfter}`);
    assert.ok(weak.nllAfter < weak.nllBefore);
    assert.ok(r.pooled.eceAfter < r.pooled.eceBefore, `pooled ECE ${r.pooled.eceBefore} -> ${r.pooled.eceAfter}`);
    for (const e of r.exits) assert.ok(e.temperature > 0 && !e.fit.atBound, `${e.output}: T ${e.temperature}`);
    // The temperatures are in the model and its metadata: its exits give the old logits / T.
    assert.deepEqual(readTemperatures(r.model), Object.fromEntries(r.exits.map((e) => [e.output, e.temperature])));
    const [raw, calibrated] = [await exitLogits(model, checkData), await exitLogits(r.model, checkData)];
    r.exits.forEach((e, k) => {
      const a = raw.exits[k]?.logits as Float32Array;
      const b = calibrated.exits[k]?.logits as Float32Array;
      for (let i = 0; i < a.length; i += 97) assert.ok(Math.abs(b[i]! - a[i]! / e.temperature) <= 1e-5 * Math.max(1, Math.abs(b[i]!)), `${e.output}[${i}]`);
    });
    assert.deepEqual(calibrated.main.logits, raw.main.logits);
    // Calibrating again refits on the calibrated logits: T stays put (the product of the two fits).
    const again = await calibrateExits(r.model, fitData, checkData, { global: true });
    assert.ok(again.globalFit && Math.abs(again.exits[1]?.fit.temperature!) > 0);
    for (const e of again.exits) assert.ok(Math.abs(e.temperature - r.exits.find((x) => x.output === e.output)?.temperature! * (again.globalFit?.temperature as number)) < 1e-9);
  });
});
