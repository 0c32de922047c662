import { analyze } from '../../src/analysis/analyze.js';
import type { ImageDataset } from '../../src/data/image-dataset.js';
import { exitLogits } from '../../src/exits/exit-logits.js';
import { softmaxConfidences } from '../../src/exits/reliability.js';
import type { SamplesProvenance } from '../../src/exits/samples-provenance.js';
import { graphFromModel } from '../../src/graph/graph.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { opClassOf } from '../../src/profile/op-class.js';

/**
 * `cleave plan --exits FILE` for a model with exits, measured on `data`: each branch's FLOPs,
 * bytes moved and weight bytes counted from the model's own analysis (its nodes beyond the
 * backbone), and per image each exit's max softmax and correctness and the main output's
 * correctness. The logits come from one image per ORT run, as the edge client runs its head,
 * so the plan's exit decisions are the client's. `provenance` says which images `data` holds.
 */
export async function exitStatisticsFile(model: ModelProto, data: ImageDataset, thresholds: readonly number[], provenance?: SamplesProvenance): Promise<unknown> {
  const logits = await exitLogits(model, data, { batch: 1 });
  const analysis = analyze(graphFromModel(model), { batch: 1 });
  const bytes = new Map(analysis.tensors.map((t) => [t.name, t.bytes]));
  const exits = logits.structure.exits.map((e) => {
    const rows = analysis.nodes.filter((n) => e.nodes.includes(n.name));
    const heaviest = rows.reduce((a, b) => (b.flops > a.flops ? b : a));
    return {
      name: e.output, after: e.at,
      flops: rows.reduce((s, n) => s + n.flops, 0),
      bytes: rows.reduce((s, n) => s + n.bytesRead + n.bytesWritten, 0),
      opClass: opClassOf(heaviest.opType),
      paramBytes: [...e.params, ...e.buffers].reduce((s, t) => s + (bytes.get(t) ?? 0), 0),
    };
  });
  const perExit = logits.exits.map((set) => softmaxConfidences(set));
  const main = softmaxConfidences(logits.main);
  const rows = <T>(f: (i: number, j: number) => T): T[][] => Array.from({ length: data.count }, (_, i) => perExit.map((_, j) => f(i, j)));
  return {
    exits,
    thresholds,
    samples: {
      confidence: rows((i, j) => perExit[j]?.confidence[i]!),
      correct: rows((i, j) => perExit[j]?.correct[i] === 1),
      mainCorrect: Array.from(main.correct, (c) => c === 1),
    },
    ...(provenance ? { provenance } : {}),
  };
}
