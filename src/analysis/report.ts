import type { Analysis } from './analyze.js';

/**
 * The public JSON form of an analysis (`cleave analyze --json`). Its field names are a stable
 * interface: add fields, never rename or remove them.
 */
export function analysisJson(a: Analysis) {
  return {
    model: a.model,
    batch: a.batch,
    totals: a.totals,
    nodes: a.nodes,
    tensors: a.tensors,
    cutPoints: a.cutPoints,
    issues: a.issues,
  };
}

/** Unsupported ops grouped by type, each with the nodes that use it: one line per op type. */
export function unsupportedSummary(a: Analysis): string[] {
  const byOp = new Map<string, string[]>();
  const opsets = new Map<string, number | undefined>();
  for (const i of a.issues) {
    if (i.code !== 'UNSUPPORTED_OP') continue;
    const nodes = byOp.get(i.opType);
    if (nodes) nodes.push(i.node);
    else byOp.set(i.opType, [i.node]);
    opsets.set(i.opType, i.opset);
  }
  return [...byOp].map(([op, nodes]) =>
    `unsupported op ${op} (opset ${opsets.get(op) ?? a.model.opset}) in ${nodes.length} node${nodes.length > 1 ? 's' : ''}: ${nodes.slice(0, 3).map((n) => `"${n}"`).join(', ')}${nodes.length > 3 ? ', ...' : ''}; its shapes and costs are unknown`);
}
