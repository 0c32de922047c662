import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadModelError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { checkModel, declaredDim, ORT_IR_VERSIONS, ORT_OPSETS } from '../../src/onnx/model-check.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { Session } from '../../src/runtime/session.js';

function tiny(opset = 17, inputShape: (number | string)[] = ['N', 4]): ModelProto {
  const b = new ModelBuilder({ opset });
  const x = b.input('x', 'float32', inputShape);
  b.output(b.node('Add', [b.node('Identity', [x], {}, 'id'), b.param('w', [4])], {}, 'add'));
  return b.build();
}

/** Does ONNX Runtime load it? The reference for what checkModel must refuse. */
async function ortLoads(model: ModelProto): Promise<boolean> {
  try {
    await (await Session.fromModel(model)).release();
    return true;
  } catch {
    return false;
  }
}

describe('checkModel', () => {
  it('refuses what ONNX Runtime refuses: raw data shorter or longer than its dims, negative dims, opsets 0 and 27+, IR 0 and 14+', async () => {
    const cases: [string, (m: ModelProto) => void, RegExp][] = [
      ['short raw data', (m) => { const t = m.graph.initializer[0]!; t.rawData = t.rawData!.subarray(0, 8); }, /holds 8 bytes of data; its shape \[4\] and type float32 need 16/],
      ['long raw data', (m) => { const t = m.graph.initializer[0]!; t.rawData = new Uint8Array(20); }, /holds 20 bytes/],
      ['negative initializer dim', (m) => { m.graph.initializer[0]!.dims = [-4]; }, /dimension -4: dimensions are sizes >= 0/],
      ['float_data count', (m) => { const t = m.graph.initializer[0]!; t.rawData = undefined; t.floatData = [1, 2, 3]; }, /holds 3 values; its shape \[4\] needs 4/],
      ['opset 99', (m) => { m.opsetImport[0]!.version = 99; }, /opset 99; ONNX Runtime loads opsets 1 to 26/],
      ['opset 27', (m) => { m.opsetImport[0]!.version = 27; }, /opset 27/],
      ['IR version 14', (m) => { m.irVersion = 14; }, /IR version 14/],
    ];
    for (const [what, spoil, message] of cases) {
      const model = decodeModel(encodeModel(tiny()));
      spoil(model);
      assert.throws(() => checkModel(model), (e: unknown) => e instanceof BadModelError && message.test(e.message), what);
      assert.equal(await ortLoads(model), false, `ORT loads the model with ${what}`);
    }
    assert.equal(ORT_OPSETS.max, 26);
    assert.equal(ORT_IR_VERSIONS.max, 13);
    for (const opset of [1, 7, 26]) {
      const model = tiny(opset);
      model.graph.node = [];
      model.graph.output = [{ ...model.graph.input[0]! }];
      checkModel(model);
      assert.equal(await ortLoads(model), true, `opset ${opset}`);
    }
  });

  it('a negative declared input dim is refused as no size; 0 is a size, unset and named dims are symbolic', () => {
    assert.throws(() => checkModel(decodeModel(encodeModel(tiny(17, [1, -8])))), /graph input "x" declares dimension -8 at position 1: a dimension is a size >= 0/);
    checkModel(decodeModel(encodeModel(tiny(17, [1, 0]))));
    const dims = decodeModel(encodeModel(tiny(17, ['N', 0, 5]))).graph.input[0]?.type?.tensorType?.shape?.dim ?? [];
    dims.push({});
    assert.deepEqual(dims.map(declaredDim), ['N', 0, 5, undefined]);
  });
});
