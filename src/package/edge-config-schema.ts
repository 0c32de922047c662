/**
 * The JSON Schema of a deployment's edge config (edge.json), version 1.
 * schemas/edge-config.schema.json is this object written out (a test keeps the two equal;
 * regenerate it with
 * `node -e "import('./build/src/package/edge-config-schema.js').then((m) => console.log(JSON.stringify(m.EDGE_CONFIG_SCHEMA, null, 2)))" > schemas/edge-config.schema.json`).
 *
 * The fields shared with src/edge's multi-cut edge config (`version`, `inputBytes`,
 * `uplinkMbps`, `rttMs`, `layers`, `policy`, `exits`, `cuts`, `switching`) have its names,
 * meanings and bounds; the others say where the config comes from and what to expect of it
 * (docs/planning.md, "deploy").
 */
import { closedObject as object, FRACTION, type JsonSchema, NON_NEGATIVE } from '../qos/json-schema.js';

export const EDGE_CONFIG_FORMAT = 'cleave-edge-config';
export const EDGE_CONFIG_VERSION = 1;

/** A file inside the deployment folder: a plain name, never a path out of it. */
export const DEPLOYED_FILE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';

const NON_NEGATIVE_OR_NULL: JsonSchema = { type: ['number', 'null'], minimum: 0 };
const NAME: JsonSchema = { type: 'string', minLength: 1 };

/** edge.json, version 1. */
export const EDGE_CONFIG_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/cleave/schemas/edge-config.schema.json',
  title: 'cleave edge config',
  description: 'What the edge side of a deployment written by `cleave deploy` runs: the head, the codec, the exits and their thresholds, the server and tail, the POPEX figures of the layers, and what the plan predicts. docs/planning.md explains every field.',
  ...object({
    format: { const: EDGE_CONFIG_FORMAT },
    version: { const: EDGE_CONFIG_VERSION },
    plan: object({
      file: { type: 'string', pattern: DEPLOYED_FILE_PATTERN, description: 'the plan in the deployment folder' },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: "the plan file's SHA-256" },
      entry: { ...NAME, description: 'the id of the deployed configuration' },
      field: { ...NAME, description: 'where it is in the plan: recommended or front[N]' },
    }),
    server: { type: 'string', pattern: '^(https?|tcp)://[^/]+', description: 'the v2 server to send to (cleave serve DIR listens on http://127.0.0.1:8000 by default); cleave run --server overrides it' },
    codec: { ...NAME, description: 'codec of the cut tensor (fp32, fp16, int8, int8-channel[:axis], optionally +deflate)' },
    placement: { enum: ['split', 'remote'] },
    device: { ...NAME, description: 'the edge device profile the plan timed' },
    network: { ...NAME, description: 'the network profile the plan timed' },
    inputBytes: { ...NON_NEGATIVE, description: 'bytes of one input (the encoded image when the placement is remote)' },
    uplinkMbps: { type: 'number', exclusiveMinimum: 0, description: "the network profile's uplink, Mbit/s" },
    rttMs: { ...NON_NEGATIVE, description: "the network profile's round-trip time, ms" },
    layers: {
      type: 'array',
      minItems: 1,
      description: 'the backbone as POPEX layers, in order: one ending at each exit\'s tensor and at the cut, then the rest to the main output; roofline times on the device and the server',
      items: object({ name: NAME, edgeMs: NON_NEGATIVE, cloudMs: NON_NEGATIVE, outputBytes: { ...NON_NEGATIVE, description: "bytes of the layer's output: as the codec encodes it at the cut, float32 elsewhere" } }),
    },
    policy: { enum: ['max-softmax', 'entropy'] },
    exits: {
      type: 'array',
      description: 'the enabled exits, in order of depth; each is an output of the head',
      items: object({
        output: NAME,
        after: { ...NAME, description: 'the layer (tensor) its branch reads' },
        edgeMs: NON_NEGATIVE,
        exitProbability: { ...FRACTION, description: 'of the inferences reaching it, the fraction that leaves there' },
        threshold: { ...NON_NEGATIVE, description: 'max softmax >= threshold (max-softmax), or entropy in nats <= threshold (entropy)' },
        temperature: { type: ['number', 'null'], exclusiveMinimum: 0, description: 'the temperature its logits are divided by inside the head; null when not calibrated' },
      }),
    },
    cuts: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      description: 'the deployed cut: its head here and its tail on the server',
      items: object({
        after: { ...NAME, description: 'the layer the cut follows; "input" when the placement is remote (POPEX\'s cut before every layer)' },
        head: { type: 'string', pattern: DEPLOYED_FILE_PATTERN },
        model: { ...NAME, description: "the tail's model name on the server" },
        cutOutput: NAME,
        tailInput: NAME,
        tailOutput: NAME,
      }),
    },
    switching: object({ initialCut: NAME }),
    predicted: object({
      latencyMs: { ...NON_NEGATIVE_OR_NULL, description: 'median end-to-end latency; null when unbounded' },
      p99Ms: NON_NEGATIVE_OR_NULL,
      latencySource: { enum: ['analytic', 'simulated'] },
      accuracy: FRACTION,
      accuracySource: { enum: ['measured', 'predicted'] },
      bytes: { ...NON_NEGATIVE, description: 'expected encoded bytes sent per inference (upload fraction x payload)' },
      payloadBytes: { ...NON_NEGATIVE, description: 'encoded bytes of the cut tensor per upload' },
      uploadFraction: FRACTION,
      edgeMemoryBytes: NON_NEGATIVE,
      energyMj: NON_NEGATIVE,
    }, [], 'what the plan predicts for this configuration'),
  }),
};
