/**
 * Attributes the kernel times of profiled runs to the ONNX nodes of the analysed graph.
 * With graph optimisations off, ORT runs one kernel per ONNX node under the node's own name;
 * with them on it fuses nodes (Conv+BN+Relu into one FusedConv, NCHWc layout kernels named
 * `<output tensor>_nchwc`) and adds kernels of its own (ReorderInput/ReorderOutput). A kernel is
 * mapped to the node whose name (or output tensor) it carries, after dropping the suffixes ORT's
 * optimisers append (a fused
 * kernel to the node of its own op among the ones it absorbed); what maps nowhere is reported as
 * unmapped, never spread over nodes.
 */
import type { Analysis } from '../analysis/analyze.js';
import type { OpClass } from './device-profile.js';
import { opClassOf } from './op-class.js';
import type { TraceRun } from './ort-trace.js';
import { type LatencyStats, summarize } from '../net/stats.js';

/** Measured latency of one ONNX node. */
export interface NodeLatency {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  readonly opClass: OpClass;
  readonly flops: number;
  /** bytes read plus bytes written (analysis cost) */
  readonly bytes: number;
  /** per-run sum of the kernels mapped to this node */
  readonly stats: LatencyStats;
  /** names of the ORT kernels mapped to this node */
  readonly kernels: readonly string[];
  /** false when no kernel ran for this node (ORT removed it, or fused it into a neighbour) */
  readonly measured: boolean;
}

/** Kernels that map to no ONNX node. */
export interface UnmappedKernel {
  readonly name: string;
  readonly opType: string;
  readonly stats: LatencyStats;
}

export interface KernelAttribution {
  readonly nodes: readonly NodeLatency[];
  readonly unmapped: readonly UnmappedKernel[];
  /** sum over nodes of their median, ms */
  readonly nodeSumMs: number;
  /** sum over unmapped kernels of their median, ms */
  readonly unmappedMs: number;
  /** ORT's own `model_run` duration of the profiled runs */
  readonly run: LatencyStats;
  readonly runs: number;
}

/** Suffixes ORT's graph transformers append to the name of the node or tensor they rewrite. */
const ORT_SUFFIXES: readonly RegExp[] = [/_nchwc$/, /_token_\d+$/];

/**
 * The node index a kernel name refers to, or undefined. ORT names kernels after a node
 * (`conv1`), after a node or tensor plus a suffix (its NCHWc pass names the new node after the
 * output tensor: `/layer1/Relu_output_0_nchwc`), or after a node plus a path (`<node>/QuickGeluFusion/`).
 * `producer` maps a tensor name to the node that computes it.
 */
export function nodeForKernel(kernel: string, byName: ReadonlyMap<string, number>, producer: ReadonlyMap<string, number> = new Map()): number | undefined {
  const lookup = (name: string) => byName.get(name) ?? producer.get(name);
  const direct = lookup(kernel);
  if (direct !== undefined) return direct;
  for (const re of ORT_SUFFIXES) {
    if (!re.test(kernel)) continue;
    const hit = lookup(kernel.replace(re, ''));
    if (hit !== undefined) return hit;
  }
  // A fusion named "<node>/<Pass>/": the longest '/'-prefix that is a node name.
  for (let name = kernel.replace(/\/+$/, ''), cut = name.lastIndexOf('/'); cut > 0; cut = name.lastIndexOf('/')) {
    name = name.slice(0, cut);
    const hit = byName.get(name);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** The ONNX op type a kernel implements: ORT's fused kernels are the op they start from. */
function baseOpType(kernelOpType: string): string {
  return kernelOpType.replace(/^Fused/, '');
}

/**
 * ORT names a fused kernel after the LAST node it absorbed (Conv+BN+Relu runs as a Conv kernel
 * named after the Relu). When a kernel's op differs from its named node's, walk up the named
 * node's producers (a few steps) to the node of the kernel's op that has no kernel of its own.
 */
function fusedOrigin(analysis: Analysis, named: number, kernelOpType: string, hasOwnKernel: ReadonlySet<number>): number {
  const want = baseOpType(kernelOpType);
  const { graph } = analysis.dataflow;
  if ((graph.nodes[named] as { opType: string }).opType === want) return named;
  let frontier = [named];
  for (let depth = 0; depth < 4 && frontier.length; depth++) {
    const next: number[] = [];
    for (const i of frontier) {
      for (const t of (graph.nodes[i] as { input: string[] }).input) {
        const p = t ? graph.producer.get(t) : undefined;
        if (p === undefined || analysis.nodes[p]?.folded) continue;
        if ((graph.nodes[p] as { opType: string }).opType === want && !hasOwnKernel.has(p)) return p;
        next.push(p);
      }
    }
    frontier = next;
  }
  return named;
}

/**
 * Per-node latency from profiled runs. `profiledNames[i]` is the name node i of the analysed
 * graph had in the profiled model (cleave renames nodes to unique names before profiling).
 */
export function attributeKernels(analysis: Analysis, profiledNames: readonly string[], runs: readonly TraceRun[]): KernelAttribution {
  // Bounds: i is a node of the analysis (nodeForKernel and fusedOrigin return indices into its nodes; perNode, kernelNames and seen have one entry each) and r < runs.length, the length of every per-run row.
  const byName = new Map(profiledNames.map((n, i) => [n, i] as const));
  const perNode = analysis.nodes.map(() => runs.map(() => 0));
  const kernelNames = analysis.nodes.map(() => new Set<string>());
  const seen = analysis.nodes.map(() => false);
  const unmapped = new Map<string, { opType: string; samples: number[] }>();
  const { graph } = analysis.dataflow;
  const hasOwnKernel = new Set<number>();
  for (const run of runs) {
    for (const k of run.kernels) {
      const i = nodeForKernel(k.name, byName, graph.producer);
      if (i !== undefined && (graph.nodes[i] as { opType: string }).opType === baseOpType(k.opType)) hasOwnKernel.add(i);
    }
  }
  runs.forEach((run, r) => {
    for (const k of run.kernels) {
      const named = nodeForKernel(k.name, byName, graph.producer);
      const i = named === undefined ? undefined : fusedOrigin(analysis, named, k.opType, hasOwnKernel);
      if (i !== undefined) {
        perNode[i]![r] = perNode[i]![r]! + k.durUs / 1000;
        kernelNames[i]!.add(k.name);
        seen[i] = true;
      } else {
        let u = unmapped.get(k.name);
        if (!u) unmapped.set(k.name, (u = { opType: k.opType, samples: runs.map(() => 0) }));
        u.samples[r] = u.samples[r]! + k.durUs / 1000;
      }
    }
  });
  const nodes = analysis.nodes.map((n, i): NodeLatency => ({
    index: n.index,
    name: n.name,
    opType: n.opType,
    opClass: opClassOf(n.opType),
    flops: n.flops,
    bytes: n.bytesRead + n.bytesWritten,
    stats: summarize(perNode[i]!),
    kernels: [...kernelNames[i]!],
    measured: seen[i]!,
  }));
  const unmappedList = [...unmapped].map(([name, u]) => ({ name, opType: u.opType, stats: summarize(u.samples) }));
  return {
    nodes,
    unmapped: unmappedList,
    nodeSumMs: nodes.reduce((s, n) => s + n.stats.medianMs, 0),
    unmappedMs: unmappedList.reduce((s, u) => s + u.stats.medianMs, 0),
    run: summarize(runs.map((r) => r.durUs / 1000)),
    runs: runs.length,
  };
}
