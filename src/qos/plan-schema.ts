/**
 * The JSON Schema of plan.json, version 1. schemas/plan.schema.json is this object written out
 * (a test keeps the two equal; regenerate the file with
 * `node -e "import('./build/src/qos/plan-schema.js').then((m) => console.log(JSON.stringify(m.PLAN_SCHEMA, null, 2)))" > schemas/plan.schema.json`).
 * Device and network profiles are described from the same field lists their own checkers use
 * (net/schema.ts), so the two cannot drift apart.
 */
import { NETWORK_PROFILE_SCHEMA } from '../net/profiles.js';
import type { Field, Schema } from '../net/schema.js';
import { DEVICE_PROFILE_SCHEMA } from '../profile/device-profile.js';
import { SPARSITY_VARIANT_SCHEMA } from './inputs.js';
import { closedObject as object, FRACTION, type JsonSchema, NON_NEGATIVE } from './json-schema.js';

/** The format tag and version a plan carries; readers refuse other versions. */
export const PLAN_FORMAT = 'cleave-plan';
export const PLAN_VERSION = 1;

/** A profile field list (net/schema.ts) as JSON Schema. */
export function jsonSchemaOfProfile(schema: Schema): JsonSchema {
  const field = (f: Field): JsonSchema => {
    switch (f.type) {
      case 'number':
        return {
          type: 'number',
          description: f.unit,
          ...(f.min !== undefined ? { minimum: f.min } : {}),
          ...(f.above !== undefined ? { exclusiveMinimum: f.above } : {}),
          ...(f.max !== undefined ? { maximum: f.max } : {}),
        };
      case 'string':
        return f.oneOf ? { type: 'string', enum: [...f.oneOf] } : { type: 'string' };
      case 'open-object':
        return { type: 'object' };
      case 'object':
        return jsonSchemaOfProfile(f.fields);
    }
  };
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(schema).map(([k, f]) => [k, field(f)])),
    required: Object.entries(schema).filter(([, f]) => !f.optional).map(([k]) => k),
    additionalProperties: false,
  };
}

const NUMBER_OR_NULL: JsonSchema = { type: ['number', 'null'] };
const NAMES: JsonSchema = { type: 'array', items: { type: 'string', minLength: 1 } };
const REQUIREMENT_NAMES = ['max-latency', 'min-accuracy', 'max-edge-memory', 'max-energy', 'max-bytes'];

const ENTRY = object({
  id: { type: 'string', minLength: 1, description: 'every choice of the configuration, as key=value words' },
  placement: { enum: ['local', 'remote', 'split'] },
  cut: { ...NAMES, minItems: 1, description: 'the tensors that cross: the inputs when remote, the outputs when local' },
  codec: { type: 'string', minLength: 1, description: "codec of the cut tensor (fp32, fp16, int8, int8-channel, optionally +deflate); 'none' when local" },
  exits: {
    type: 'array',
    items: object({ name: { type: 'string', minLength: 1 }, after: { type: 'string', minLength: 1 }, threshold: { type: 'number' } }),
    description: 'enabled exits, in the order they are tried; an exit answers when its confidence (max softmax, or minus the entropy) >= threshold',
  },
  sparsity: { type: 'string', minLength: 1, description: "label of the sparsity variant ('dense': the model as it is)" },
  device: { type: 'string', minLength: 1, description: 'a key of devices' },
  network: { type: 'string', minLength: 1, description: "a key of networks; 'none' when local" },
  objectives: object({
    latencyMs: { ...NUMBER_OR_NULL, minimum: 0, description: 'median end-to-end latency; null when unbounded (a queue is unstable)' },
    p99Ms: { ...NUMBER_OR_NULL, minimum: 0, description: '99th percentile; null when unbounded' },
    accuracy: FRACTION,
    accuracySource: { enum: ['measured', 'predicted'] },
    edgeMemoryBytes: NON_NEGATIVE,
    energyMj: NON_NEGATIVE,
    bytes: { ...NON_NEGATIVE, description: 'expected encoded bytes sent per inference' },
  }),
  latencySource: { enum: ['analytic', 'simulated'] },
  breakdown: object({
    headMs: NON_NEGATIVE,
    exitMs: NON_NEGATIVE,
    encodeMs: NON_NEGATIVE,
    uplinkQueueMs: NUMBER_OR_NULL,
    transferMs: NON_NEGATIVE,
    serverQueueMs: NUMBER_OR_NULL,
    tailMs: NON_NEGATIVE,
    uploadFraction: FRACTION,
    payloadBytes: NON_NEGATIVE,
    wireBytes: NON_NEGATIVE,
  }),
  margin: { ...NUMBER_OR_NULL, description: 'least normalised slack over the requirements; null when there are none' },
  feasible: { type: 'boolean' },
  missed: {
    type: 'array',
    items: object({ requirement: { enum: REQUIREMENT_NAMES }, limit: { type: 'number' }, value: NUMBER_OR_NULL, by: NUMBER_OR_NULL, slack: NUMBER_OR_NULL }),
  },
  simulatedFrames: { type: 'integer', minimum: 0 },
});

const ENTRY_OR_NULL: JsonSchema = { anyOf: [{ $ref: '#/$defs/entry' }, { type: 'null' }] };

/** plan.json, version 1. */
export const PLAN_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/cleave/schemas/plan.schema.json',
  title: 'cleave plan',
  description: 'A split-computing deployment chosen by `cleave plan`: the recommended configuration, the Pareto front of the sweep, the nearest misses and the four scenarios. docs/planning.md explains every field.',
  $defs: {
    entry: ENTRY,
    device: jsonSchemaOfProfile(DEVICE_PROFILE_SCHEMA),
    network: jsonSchemaOfProfile(NETWORK_PROFILE_SCHEMA),
  },
  ...object({
    format: { const: PLAN_FORMAT },
    version: { const: PLAN_VERSION },
    cleaveVersion: { type: 'string' },
    model: object({
      path: { type: 'string', minLength: 1, description: 'the model file as given to cleave plan' },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      name: { type: 'string' },
      inputs: NAMES,
      outputs: NAMES,
    }),
    server: { $ref: '#/$defs/device' },
    devices: { type: 'object', additionalProperties: { $ref: '#/$defs/device' }, description: 'the edge devices swept, by name' },
    networks: { type: 'object', additionalProperties: { $ref: '#/$defs/network' }, description: 'the networks swept, by name' },
    load: object({
      devices: { type: 'integer', minimum: 1 },
      fps: { ...NON_NEGATIVE, description: 'frames per second per device; 0: frames far apart' },
      workers: { type: 'integer', minimum: 1 },
      connection: { enum: ['new', 'kept-alive', 'warm'] },
      arrivals: { enum: ['periodic', 'poisson'] },
    }),
    requirements: object({
      maxLatencyMs: { type: 'number', exclusiveMinimum: 0 },
      latencyPercentile: { enum: ['p50', 'p99'] },
      minAccuracy: FRACTION,
      maxEdgeMemoryBytes: { type: 'number', exclusiveMinimum: 0 },
      maxEnergyMj: { type: 'number', exclusiveMinimum: 0 },
      maxBytes: { type: 'number', exclusiveMinimum: 0 },
    }, ['maxLatencyMs', 'minAccuracy', 'maxEdgeMemoryBytes', 'maxEnergyMj', 'maxBytes']),
    accuracy: object({
      source: { enum: ['measured', 'predicted'] },
      base: { ...FRACTION, description: "the uncut model's accuracy (1 when predicted without one: figures relative to it)" },
      data: { type: 'string' },
      images: { type: 'integer', minimum: 1 },
      from: { type: 'integer', minimum: 1, description: 'index in the split of the first image measured (absent: 0); set when the --exits file is of other images than the first' },
      saliency: { type: 'string', description: 'the I-SPLIT ranking predicted figures follow' },
      exits: object({
        file: { type: 'string', minLength: 1, description: 'the --exits statistics file' },
        source: { enum: ['measured', 'predicted'], description: 'measured: its samples are the images accuracy was measured on, counted per image; predicted: they are not (note says why), and exit rates are combined with the (cut, codec) accuracy' },
        provenance: object({
          data: { type: 'string', minLength: 1 },
          split: { type: 'string', minLength: 1 },
          from: { type: 'integer', minimum: 0, description: 'index of the first image in the split' },
          count: { type: 'integer', minimum: 1 },
          normalisation: object({ mean: { type: 'array', items: { type: 'number' } }, std: { type: 'array', items: { type: 'number' } } }),
        }, ['normalisation'], 'the images the statistics are of, as the file says; absent in files that do not say'),
        note: { type: 'string', description: 'why the per-image figures were not used' },
      }, ['provenance', 'note'], 'the exit statistics file (--exits), when one was given'),
    }, ['data', 'images', 'from', 'saliency', 'exits']),
    sweep: object({
      configurations: { type: 'integer', minimum: 1 },
      cuts: { type: 'integer', minimum: 1 },
      maxTensors: { type: 'integer', minimum: 1 },
      codecs: NAMES,
      exitConfigurations: { type: 'integer', minimum: 1 },
      sparsity: { type: 'array', items: SPARSITY_VARIANT_SCHEMA },
      frontObjectives: NAMES,
    }),
    feasible: { type: 'boolean', description: 'whether the recommended configuration meets every requirement (false only in a plan written with --best-effort)' },
    recommended: { $ref: '#/$defs/entry' },
    front: { type: 'array', items: { $ref: '#/$defs/entry' }, minItems: 1 },
    misses: { type: 'array', items: { $ref: '#/$defs/entry' } },
    scenarios: object({ local: ENTRY_OR_NULL, remote: ENTRY_OR_NULL, split: ENTRY_OR_NULL, earlyExit: ENTRY_OR_NULL }),
  }),
};
