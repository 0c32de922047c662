/**
 * The exits of a model written by `addExits`, read back from the model alone: its metadata
 * names each exit's output and the tensor it reads; the graph says which nodes are the backbone
 * (everything the main output depends on) and which belong to each branch (what its output
 * depends on beyond the backbone), and so which weights each part owns.
 */
import { BadModelError, BadRequestError } from '../errors.js';
import { type Graph, graphFromModel } from '../graph/graph.js';
import { declaredOutput, keepOutputs } from '../graph/prune.js';
import type { ModelProto } from '../onnx/types.js';
import { probabilitiesName, temperatureTensor } from './apply-temperatures.js';
import { EXITS_METADATA_KEY } from './insert.js';

/** One exit branch as the model holds it. */
export interface ExitBranchInfo {
  /** `exit_<k>_logits` */
  readonly output: string;
  /** the backbone tensor it reads */
  readonly at: string;
  readonly branch: string;
  /** its nodes, in graph order */
  readonly nodes: readonly string[];
  /** float initializers only its nodes read, BatchNormalization statistics and its temperature excluded */
  readonly params: readonly string[];
  /** its BatchNormalization running statistics */
  readonly buffers: readonly string[];
}

export interface ExitStructure {
  /** the classifier output the exits imitate */
  readonly mainOutput: string;
  /** in order of depth */
  readonly exits: readonly ExitBranchInfo[];
  /** the nodes the main output depends on, in graph order */
  readonly backboneNodes: readonly string[];
}

/** What the metadata lists per exit. */
interface ListedExit {
  readonly output: string;
  readonly at: string;
  readonly branch: string;
}

function listedExits(model: ModelProto): ListedExit[] {
  const entry = model.metadataProps?.find((e) => e.key === EXITS_METADATA_KEY);
  if (!entry) throw new BadRequestError('the model has no exits (no "cleave.exits" metadata); add them with `cleave exits add`');
  let value: unknown;
  try {
    value = JSON.parse(entry.value);
  } catch {
    value = undefined;
  }
  const ok = Array.isArray(value) && value.length > 0 && value.every((e) => typeof e === 'object' && e !== null && typeof (e as ListedExit).output === 'string' && typeof (e as ListedExit).at === 'string');
  if (!ok) throw new BadModelError(`metadata "${EXITS_METADATA_KEY}" is malformed: ${entry.value.slice(0, 80)}`);
  return (value as ListedExit[]).map((e) => ({ output: e.output, at: e.at, branch: String(e.branch ?? 'bn-gap') }));
}

/** Indices of the nodes `target` depends on, by a backward walk over the producers. */
function dependencies(graph: Graph, target: string): Set<number> {
  // Bounds: the stack is popped only while not empty, and p is a producer from the graph.
  const seen = new Set<number>();
  const stack = [target];
  while (stack.length) {
    const p = graph.producer.get(stack.pop()!);
    if (p === undefined || seen.has(p)) continue;
    seen.add(p);
    for (const t of graph.nodes[p]!.input) if (t) stack.push(t);
  }
  return seen;
}

/** Whether a model holds exits written by `addExits` (its "cleave.exits" metadata). */
export function hasExits(model: ModelProto): boolean {
  return (model.metadataProps ?? []).some((e) => e.key === EXITS_METADATA_KEY);
}

/** Reads the exits of a model; `mainOutput` names the classifier when the model has several other outputs. */
export function exitStructure(model: ModelProto, mainOutput?: string): ExitStructure {
  // Bounds: node indices come from dependencies (producers in the graph), and nodeNames has one entry per node.
  const listed = listedExits(model);
  const graph = graphFromModel(model);
  const outputs = graph.outputs.map((o) => o.name);
  for (const e of listed) {
    if (!outputs.includes(e.output)) throw new BadModelError(`the metadata lists exit "${e.output}", which is no output of the model`);
  }
  const exitNames = new Set(listed.flatMap((e) => [e.output, probabilitiesName(e.output)]));
  const others = outputs.filter((o) => !exitNames.has(o));
  const main = mainOutput ?? (others.length === 1 ? others[0] : undefined);
  if (main === undefined) throw new BadRequestError(`the model has ${others.length} outputs besides its exits (${others.join(', ') || 'none'}); name the classifier output`);
  if (!others.includes(main)) throw new BadRequestError(`"${main}" is no output of the model besides its exits (outputs: ${others.join(', ')})`);

  const backbone = dependencies(graph, main);
  // Which nodes read each initializer: a branch owns the weights no backbone node reads.
  const readers = new Map<string, Set<number>>();
  graph.nodes.forEach((n, i) => n.input.forEach((t) => {
    if (!graph.initializers.has(t)) return;
    const set = readers.get(t) ?? new Set<number>();
    set.add(i);
    readers.set(t, set);
  }));
  const exits = listed.map((e): ExitBranchInfo => {
    const own = [...dependencies(graph, e.output)].filter((i) => !backbone.has(i)).sort((a, b) => a - b);
    const mine = new Set(own);
    const buffers = new Set(own.flatMap((i) => {
      const n = graph.nodes[i]!;
      return n.opType === 'BatchNormalization' ? [n.input[3], n.input[4]].filter((t): t is string => Boolean(t)) : [];
    }));
    const params = [...new Set(own.flatMap((i) => graph.nodes[i]!.input))]
      .filter((t) => graph.initializers.get(t)?.dataType === 1 && !buffers.has(t) && t !== temperatureTensor(e.output) && [...(readers.get(t) ?? [])].every((r) => mine.has(r)));
    return { ...e, nodes: own.map((i) => graph.nodeNames[i]!), params, buffers: [...buffers].filter((t) => graph.initializers.has(t)) };
  });
  return { mainOutput: main, exits, backboneNodes: [...backbone].sort((a, b) => a - b).map((i) => graph.nodeNames[i]!) };
}

/**
 * The model without its branches: the nodes the main output depends on, the initializers they
 * read, the main output alone. Its cut points are the backbone's (a branch reading a tensor
 * would otherwise make that tensor cross every later cut).
 */
export function backboneModel(model: ModelProto, structure: ExitStructure): ModelProto {
  return keepOutputs(model, [declaredOutput(model, structure.mainOutput)]);
}
