/**
 * One configuration of a split deployment and what it is predicted to give: the shape of every
 * entry of plan.json's `recommended`, `front`, `misses` and `scenarios`.
 */

/** Where the model runs: all on the edge, all on the server, or split at a cut. */
export type Placement = 'local' | 'remote' | 'split';

/** How an accuracy figure was obtained. */
export type AccuracySource = 'measured' | 'predicted';

/** The objectives of a configuration. Times in ms, energy in mJ, sizes in bytes. */
export interface Objectives {
  /** median end-to-end latency (capture to answer); Infinity when a queue is unstable */
  readonly latencyMs: number;
  /** 99th percentile of the latency */
  readonly p99Ms: number;
  /** top-1 accuracy in [0, 1] */
  readonly accuracy: number;
  readonly accuracySource: AccuracySource;
  /** head weights + peak live activations of the head (+ the enabled exits' weights) */
  readonly edgeMemoryBytes: number;
  /** energy per inference on the edge: compute x busy power + radio energy of what is sent and received */
  readonly energyMj: number;
  /** expected encoded bytes of the cut tensor(s) sent per inference (upload fraction x payload) */
  readonly bytes: number;
}

/** Where one inference's time goes (expected values; the sent path's figures are per upload). */
export interface LatencyBreakdown {
  /** head on the edge device */
  readonly headMs: number;
  /** the enabled exits' branches on the edge */
  readonly exitMs: number;
  /** codec on the edge, per upload */
  readonly encodeMs: number;
  /** waiting for the shared uplink (M/D/1 of whole frames), per upload */
  readonly uplinkQueueMs: number;
  /** transfer of the cut tensor and the reply (analytic TCP model), per upload */
  readonly transferMs: number;
  /** waiting for a server worker, per upload */
  readonly serverQueueMs: number;
  /** tail (+ decoding) on the server, per upload */
  readonly tailMs: number;
  /** fraction of the inferences that are sent (1 without exits, 0 when local) */
  readonly uploadFraction: number;
  /** encoded bytes of the cut tensor(s) per upload */
  readonly payloadBytes: number;
  /** bytes on the wire per upload (payload + TCP/IP headers) */
  readonly wireBytes: number;
}

/** An enabled exit as a plan records it. */
export interface PlannedExit {
  /** the exit's output (exit_<k>_logits) */
  readonly name: string;
  /** the tensor its branch reads */
  readonly after: string;
  /** it answers when its confidence (max softmax, or minus the entropy) >= threshold */
  readonly threshold: number;
}

/** A configuration with its predicted objectives. */
export interface Configuration {
  /** stable text key naming every choice */
  readonly id: string;
  readonly placement: Placement;
  /** the tensors that cross (the model's inputs when remote, its outputs when local) */
  readonly cut: readonly string[];
  /** codec of the cut tensor ('none' when local) */
  readonly codec: string;
  readonly exits: readonly PlannedExit[];
  /** the sparsity variant's label ('dense' for the model as it is) */
  readonly sparsity: string;
  readonly device: string;
  readonly network: string;
  readonly objectives: Objectives;
  /** 'simulated' when latencyMs and p99Ms come from the discrete-event simulator */
  readonly latencySource: 'analytic' | 'simulated';
  readonly breakdown: LatencyBreakdown;
}
