import { type Analysis, analyze, type AnalyzeOptions } from '../analysis/analyze.js';
import { graphFromModel } from '../graph/graph.js';
import { readModel } from '../onnx/model-file.js';
import { sparseNodeCounts } from '../sparsity/counts.js';

/**
 * Reads, indexes and analyses a model file: the first step of most commands. Sparse layers
 * (cleave sparsify) are counted from their nonzeros, so cut tables and estimates follow them.
 */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): Analysis {
  const graph = graphFromModel(readModel(path));
  return analyze(graph, { nodeCounts: sparseNodeCounts(graph), ...options });
}
