/**
 * A deployment's backbone as POPEX layers (src/exits/popex.ts), for the edge config: one layer
 * ending at each tensor an enabled exit reads and at the cut, then one for the rest up to the
 * main output. A layer is every node the head up to its tensor adds to the heads before it;
 * its times are the roofline estimates of those nodes on the plan's device and server
 * (src/exits' rooflineTime, the figures `cleave plan` sums), so the layers up to the cut add up
 * to the plan's head time.
 */
import type { Analysis } from '../analysis/analyze.js';
import { BitSet } from '../analysis/bitset.js';
import { headFor } from '../analysis/dataflow.js';
import { BadRequestError } from '../errors.js';
import { rooflineTime } from '../exits/exit-layers.js';
import type { PopexLayer } from '../exits/popex.js';
import type { DeviceProfile } from '../profile/device-profile.js';

/** POPEX reserves these names for the cuts before every layer and after the last. */
const RESERVED = new Set(['input', 'output']);

export interface LayerChainInput {
  readonly analysis: Analysis;
  /** the tensors exits read and the cut tensor, in any order (the remote cut is left out) */
  readonly boundaries: readonly string[];
  readonly mainOutput: string;
  readonly device: DeviceProfile;
  readonly server: DeviceProfile;
  /** bytes of a boundary tensor's output (the cut's as encoded) */
  readonly outputBytes: (tensor: string) => number;
}

/** The layers, in order; a layer is named after the tensor it ends at. */
export function layerChain(c: LayerChainInput): PopexLayer[] {
  const flow = c.analysis.dataflow;
  const edge = rooflineTime(c.device);
  const cloud = rooflineTime(c.server);
  const headOf = (t: string): BitSet => {
    if (!flow.graph.producer.has(t)) throw new BadRequestError(`no layer of the model computes "${t}"`);
    return headFor(flow, [t]);
  };
  const ordered = [...new Set(c.boundaries)].map((t) => ({ t, head: headOf(t) })).map((b) => ({ ...b, size: [...b.head].length })).sort((a, b) => a.size - b.size);
  const done = new BitSet(flow.graph.nodes.length);
  const layer = (name: string, head: BitSet, bytes: number): PopexLayer => {
    let edgeMs = 0;
    let cloudMs = 0;
    for (const i of head) {
      if (done.has(i)) continue;
      done.add(i);
      const row = c.analysis.nodes[i];
      if (!row) continue;
      edgeMs += edge(row);
      cloudMs += cloud(row);
    }
    return { name, edgeMs, cloudMs, outputBytes: bytes };
  };
  const layers = ordered.map((b) => layer(b.t, b.head, c.outputBytes(b.t)));
  const taken = new Set(layers.map((l) => l.name));
  let last = c.mainOutput;
  while (RESERVED.has(last) || taken.has(last)) last = `${last}'`;
  const mainBytes = c.analysis.tensors.find((t) => t.name === c.mainOutput)?.bytes ?? 0;
  layers.push(layer(last, headOf(c.mainOutput), mainBytes));
  return layers;
}
