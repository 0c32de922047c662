/**
 * Writes fitted temperatures into a model: each named output becomes its logits divided by T
 * inside the graph (a Div by a scalar initializer), so ONNX Runtime gives calibrated logits, and
 * optionally their softmax as a second output; the temperatures go into the metadata too.
 * Applying again replaces the temperature instead of dividing twice.
 */
import { BadModelError, BadRequestError } from '../errors.js';
import { graphFromModel, opsetOf } from '../graph/graph.js';
import { makeTensor } from '../onnx/tensor.js';
import { AttrType, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../onnx/types.js';
import { inputsWith, MIN_EXITS_OPSET, withMetadata } from './insert.js';

/** Metadata key holding the temperatures as JSON ({ output: T }). */
export const TEMPERATURES_METADATA_KEY = 'cleave.exits.temperatures';

export interface ApplyTemperatureOptions {
  /** also output softmax(logits / T) as `<name>_probabilities` (`exit_0_logits` -> `exit_0_probabilities`) */
  readonly probabilities?: boolean;
}

/** `exit_0_logits` -> `exit_0_probabilities`; other names get `_probabilities` appended. */
export function probabilitiesName(output: string): string {
  return output.endsWith('_logits') ? `${output.slice(0, -'_logits'.length)}_probabilities` : `${output}_probabilities`;
}

/** The scalar initializer holding an output's temperature. */
export function temperatureTensor(output: string): string {
  return `${output}/temperature`;
}

/** The model with `temperatures` (output name -> T > 0) applied. */
export function applyTemperatures(model: ModelProto, temperatures: Readonly<Record<string, number>>, options: ApplyTemperatureOptions = {}): ModelProto {
  const graph = graphFromModel(model);
  const opset = opsetOf(graph, '') ?? 0;
  if (opset < MIN_EXITS_OPSET) throw new BadRequestError(`temperatures need ai.onnx opset >= ${MIN_EXITS_OPSET} (Div with broadcasting); the model has ${opset}`);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  let nodes = [...model.graph.node];
  let initializers = [...model.graph.initializer];
  const added: ValueInfoProto[] = [];
  for (const [name, t] of Object.entries(temperatures)) {
    if (!outputs.has(name)) throw new BadRequestError(`the model has no output "${name}" (outputs: ${[...outputs].join(', ')})`);
    if (!(Number.isFinite(t) && t > 0)) throw new BadRequestError(`the temperature of "${name}" must be a finite number > 0, got ${t}`);
    const tName = temperatureTensor(name);
    const tensor: TensorProto = makeTensor(tName, 'float32', [], [t]);
    if (initializers.some((i) => i.name === tName)) {
      initializers = initializers.map((i) => (i.name === tName ? tensor : i));
    } else {
      if (!graph.producer.has(name)) throw new BadRequestError(`output "${name}" is not computed by a node`);
      // Everything that read the logits keeps reading them uncalibrated; only the output changes.
      const raw = `${name}/uncalibrated`;
      nodes = nodes.map((n) => ({ ...n, input: n.input.map((x) => (x === name ? raw : x)), output: n.output.map((x) => (x === name ? raw : x)) }));
      nodes.push({ name: `${name}/calibrate`, opType: 'Div', domain: '', input: [raw, tName], output: [name], attribute: [] });
      initializers.push(tensor);
    }
    const probs = probabilitiesName(name);
    if (options.probabilities && !outputs.has(probs)) {
      const softmax: NodeProto = { name: `${name}/softmax`, opType: 'Softmax', domain: '', input: [name], output: [probs], attribute: [{ name: 'axis', type: AttrType.INT, i: 1 }] };
      nodes.push(softmax);
      const declared = graph.outputs.find((o) => o.name === name)!; // name is an output of the graph (the loop runs over them)
      added.push({ ...declared, name: probs });
    }
  }
  const merged = { ...readTemperatures(model), ...temperatures };
  const fresh = initializers.filter((t) => !model.graph.initializer.some((i) => i.name === t.name));
  return {
    ...model,
    metadataProps: withMetadata(model, TEMPERATURES_METADATA_KEY, JSON.stringify(merged)),
    graph: { ...model.graph, node: nodes, initializer: initializers, input: inputsWith(model, fresh), output: [...model.graph.output, ...added] },
  };
}

/** The temperatures a model's metadata records ({} when none). */
export function readTemperatures(model: ModelProto): Record<string, number> {
  const entry = model.metadataProps?.find((e) => e.key === TEMPERATURES_METADATA_KEY);
  if (!entry) return {};
  try {
    const value = JSON.parse(entry.value) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((t) => typeof t === 'number' && t > 0)) throw new BadModelError('not an object of positive numbers');
    return value as Record<string, number>;
  } catch (e) {
    throw new BadModelError(`metadata "${TEMPERATURES_METADATA_KEY}" is malformed (${(e as Error).message}): ${entry.value.slice(0, 80)}`);
  }
}
