import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../analysis/analyze.js';
import { suggestCut } from '../analysis/suggest.js';
import { bytes, si, table } from '../cli/format.js';
import { cutModel } from '../cut/extract.js';
import { verifyCut } from '../cut/verify.js';
import { writeCut } from '../cut/write.js';
import { graphFromModel } from '../graph/graph.js';
import { buildModel } from '../models/catalogue.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';

/**
 * `npm start`: the whole path on a small CNN built by cleave: analyse, list the cut points,
 * cut at the most promising one and verify that head -> tail reproduces the model.
 */
async function demo(): Promise<void> {
  const say = (s = '') => process.stdout.write(`${s}\n`);
  say('== 1. Build a small CNN with cleave\'s model builder (28x28x1 -> 10 classes)');
  const model = decodeModel(encodeModel(buildModel('small-cnn', { seed: 1 })));
  const analysis = analyze(graphFromModel(model), { batch: 1 });
  const t = analysis.totals;
  say(`   ${t.layers} layers, ${si(t.params)} params, ${si(t.flops)}FLOPs per image`);
  say();
  say('== 2. Cut points (where one tensor crosses from edge to server)');
  say(table(
    ['tensor', 'bytes', 'head FLOPs', 'tail FLOPs', 'head params', 'head peak mem'],
    analysis.cutPoints.map((c) => [c.tensors.join(','), bytes(c.bytes), si(c.headFlops), si(c.tailFlops), bytes(c.headParamBytes), bytes(c.headPeakActivationBytes)]),
  ));
  const best = suggestCut(analysis.cutPoints);
  if (!best) throw new Error('the demo model has no cut point');
  say(`== 3. Cut at "${best.tensors[0]}": the fewest bytes (${bytes(best.bytes)}, input is ${bytes(t.inputBytes)}) with at most half the FLOPs on the edge`);
  const parts = cutModel(analysis, best.tensors);
  const check = await verifyCut(analysis, parts);
  const dir = mkdtempSync(join(tmpdir(), 'cleave-demo-'));
  try {
    const files = writeCut(dir, parts, { tensors: parts.tensors, bytes: parts.bytes });
    say(`   wrote ${files.map((f) => f.replace(dir, '<tmp>')).join(', ')}`);
    say(`   verified with ONNX Runtime: head -> tail vs the whole model, max relative error ${Math.max(...check.outputs.map((o) => o.relativeError)).toExponential(2)} (${check.ok ? 'OK' : 'FAILED'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!check.ok) process.exitCode = 1;
}

await demo();
