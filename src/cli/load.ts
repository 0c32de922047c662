import { type Analysis, analyze, type AnalyzeOptions } from '../analysis/analyze.js';
import { BadModelError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import { readModel } from '../onnx/model-file.js';
import { opsetProblems } from '../ops/opset-check.js';
import { sparseNodeCounts } from '../sparsity/counts.js';

/**
 * Reads, indexes and analyses a model file: the first step of most commands. A node that is
 * not valid ONNX at the model's opset (an unknown attribute, an input form of another opset, a
 * type its op does not take) is refused as ONNX Runtime would refuse it, naming the node.
 * Sparse layers (cleave sparsify) are counted from their nonzeros, so cut tables and estimates
 * follow them.
 */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): Analysis {
  const graph = graphFromModel(readModel(path));
  const a = analyze(graph, { nodeCounts: sparseNodeCounts(graph), ...options });
  const { inference } = a.dataflow;
  const [problem] = opsetProblems(graph.model, { dtypeOf: (t) => inference.tensors.get(t)?.dtype });
  if (problem) throw new BadModelError(`${path}: ${problem.message}; ONNX Runtime refuses such a node`);
  return a;
}
