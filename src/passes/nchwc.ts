import { nodeEmitter } from '../autodiff/emitter.js';
import { ModelBuilder, nodeAttribute } from '../graph/builder.js';
import type { NodeProto } from '../onnx/types.js';
import { Session } from '../runtime/session.js';
import { known, opContext, type ShapedModel, shapedResult } from './shaped-model.js';

/** ONNX Runtime's contrib domain of blocked-layout (NCHWc) CPU kernels. */
export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

/**
 * Attributes of the NCHWc Conv's schema (onnxruntime contrib_ops, nchwc_schema_defs.cc) that a
 * standard Conv can carry: a Conv with any other is left alone, so ORT never refuses the model.
 */
const NCHWC_CONV_ATTRIBUTES = new Set(['auto_pad', 'kernel_shape', 'dilations', 'strides', 'pads', 'group']);

/**
 * The channel block of ONNX Runtime's NCHWc kernels on this CPU (8 with AVX2, 16 with
 * AVX-512), or undefined where this onnxruntime-node has none (it registers the domain only on
 * CPUs with such kernels). Probed by reordering a 4-channel tensor (ReorderInput takes
 * multiples of 4): its output has one block of channels.
 */
export async function probeNchwcBlock(): Promise<number | undefined> {
  const b = new ModelBuilder({ opset: 17 });
  const x = b.input('x', 'float32', [1, 4, 1, 1]);
  b.output(b.nodeN('ReorderInput', [x], 1, {}, 'reorder', NCHWC_DOMAIN)[0]!); // nodeN returns the one output asked for
  const model = b.build();
  let session: Session | undefined;
  try {
    session = await Session.fromModel({ ...model, opsetImport: [...model.opsetImport, { domain: NCHWC_DOMAIN, version: 1 }] }, { threads: 1 });
    const out = await session.run({ x: { dtype: 'float32', dims: [1, 4, 1, 1], data: new Float32Array(4) } });
    const block = Object.values(out)[0]?.dims[1];
    return block !== undefined && block > 1 ? block : undefined;
  } catch {
    return undefined;
  } finally {
    await session?.release();
  }
}

/** Does ORT's NCHWc Conv with this channel block take the Conv (float, 2-D, group 1, channels in whole blocks, schema attributes only)? */
function nchwcTakes(node: NodeProto, w: readonly number[], block: number, m: ShapedModel): boolean {
  const [cout, cin] = w as [number, number];
  return w.length === 4 && opContext(m.model, node).attrs.int('group', 1) === 1 && cin % block === 0 && cout % block === 0
    && node.attribute.every((a) => NCHWC_CONV_ATTRIBUTES.has(a.name));
}

/**
 * Rewrites the float 2-D group-1 Convs of a training step whose channels are multiples of
 * `block` into ONNX Runtime's NCHWc kernels: ReorderInput, an NCHWc Conv with the weight
 * reordered in the graph (OIHWBiBo: [O/B, I/B, kh, kw, B(in), B(out)], a Reshape and a
 * Transpose, as ORT's NchwcTransformer does for constant weights), ReorderOutput. ORT applies
 * those kernels itself only to constant weights; a training step feeds its weights. Same
 * products, summed in another order. Pays on a CPU with NCHWc kernels (see probeNchwcBlock),
 * for forward and input-gradient Convs alike: single thread, batch 64, reorders included,
 * 32->32 28x28 14.1 -> 10.6 ms, 64->64 14x14 13.3 -> 9.7, 128->128 7x7 13.3 -> 8.8; the small
 * VGG's step 0.90x (1 thread) / 0.95x (2 threads) the time (commit f62cbb9), its 7x7 forward
 * Convs also faster than as GEMMs. The model then runs only in onnxruntime-node on such a CPU.
 */
export function convsToNchwc(m: ShapedModel, block: number): ShapedModel {
  // Bounds: a Conv has inputs 0 and 1 and output 0; nchwcTakes admits only 4-D weights.
  const { model, shapes } = m;
  const e = nodeEmitter(model);
  const replaced = new Map<NodeProto, NodeProto[]>();
  for (const node of model.graph.node) {
    // The weight's shape says all that matters (a group-1 Conv's input has its Cin channels).
    const w = shapes.get(node.input[1] ?? '');
    if (node.opType !== 'Conv' || (node.domain ?? '') !== '' || !known(w) || w.dtype !== 'float32' || !nchwcTakes(node, w.shape, block, m)) continue;
    const [cout, cin, kh, kw] = w.shape as [number, number, number, number];
    const prefix = `${node.name}/nchwc`;
    replaced.set(node, e.capture(() => {
      const ints = (purpose: string, values: readonly number[]) => e.constant(`${prefix}/${purpose}`, 'int64', [values.length], values);
      const contrib = (opType: string, inputs: readonly string[], output: string, purpose: string, attribute: NodeProto['attribute']) => {
        e.add({ name: `${prefix}/${purpose}`, opType, domain: NCHWC_DOMAIN, input: [...inputs], output: [output], attribute });
        return output;
      };
      const xr = contrib('ReorderInput', [node.input[0]!], e.finalName(`${prefix}/x`), 'reorder_x', []);
      const w6 = e.emitOne('Reshape', [node.input[1]!, ints('w_blocks_shape', [cout / block, block, cin / block, block, kh, kw])], `${prefix}/w_blocks`);
      const wt = e.emitOne('Transpose', [w6], `${prefix}/w_oihwbibo`, { perm: [0, 2, 4, 5, 3, 1] });
      const wr = e.emitOne('Reshape', [wt, ints('w_shape', [cout, cin, kh, kw])], `${prefix}/w`);
      // The Conv keeps the node's attributes (pads, strides, dilations, auto_pad) with an explicit kernel_shape.
      const kernel = nodeAttribute('kernel_shape', [kh, kw]);
      const yc = contrib('Conv', [xr, wr, ...(node.input[2] ? [node.input[2]] : [])], e.finalName(`${prefix}/y`), 'conv', [...node.attribute.filter((a) => a.name !== 'kernel_shape'), kernel]);
      contrib('ReorderOutput', [yc], node.output[0]!, 'reorder_y', [nodeAttribute('channels', cout)]);
    }));
  }
  if (replaced.size === 0) return m;
  const rewritten = e.replaceIn(model, replaced);
  return shapedResult(m, { ...rewritten, opsetImport: [...rewritten.opsetImport.filter((o) => o.domain !== NCHWC_DOMAIN), { domain: NCHWC_DOMAIN, version: 1 }] }, e);
}
