import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { type RunTensor, Session, type SessionOptions } from '../runtime/session.js';
import { buildGradCamModel, type GradCamModel, type GradCamOptions } from './gradcam.js';

/** One layer's Grad-CAM maps for a batch. */
export interface CamMaps {
  readonly layer: string;
  /** spatial shape of one map */
  readonly spatial: readonly number[];
  /** [batch, spatial...], non-negative */
  readonly values: Float32Array;
}

export interface GradCamResult {
  /** per sample: the class explained */
  readonly classes: readonly number[];
  /** per sample: that class's score (logit) */
  readonly scores: readonly number[];
  readonly logits: Float32Array;
  readonly maps: readonly CamMaps[];
}

/** Runs a Grad-CAM model (built once per batch size) in ONNX Runtime. */
export class GradCam {
  private constructor(readonly spec: GradCamModel, private readonly session: Session) {}

  static async create(model: ModelProto, options: GradCamOptions, session: SessionOptions = {}): Promise<GradCam> {
    const spec = buildGradCamModel(model, options);
    return new GradCam(spec, await Session.fromModel(spec.model, session));
  }

  /**
   * Maps for a batch `x` ([batch, ...input dims], float32); `classes` gives the class per sample
   * when the model was built with target 'given'.
   */
  async run(x: Float32Array, classes?: readonly number[]): Promise<GradCamResult> {
    const s = this.spec;
    const need = s.inputDims.reduce((a, b) => a * b, 1);
    if (x.length !== need) throw new BadRequestError(`input holds ${x.length} values; the model takes [${s.inputDims.join(', ')}] (${need})`);
    const feeds: Record<string, RunTensor> = { [s.input]: { dtype: 'float32', dims: s.inputDims, data: x } };
    if (s.targetInput) {
      if (!classes || classes.length !== s.batch) throw new BadRequestError(`give one class per sample (${s.batch})`);
      const onehot = new Float32Array(s.batch * s.classes);
      classes.forEach((c, i) => {
        if (!Number.isInteger(c) || c < 0 || c >= s.classes) throw new BadRequestError(`class ${c} is out of range: the model has ${s.classes} classes (0..${s.classes - 1})`);
        onehot[i * s.classes + c] = 1;
      });
      feeds[s.targetInput] = { dtype: 'float32', dims: [s.batch, s.classes], data: onehot };
    }
    const out = await this.session.run(feeds);
    const get = (n: string) => out[n]!.data as Float32Array; // the run returns every output of the model
    const target = get(s.target);
    const picked: number[] = [];
    for (let i = 0; i < s.batch; i++) {
      let c = 0;
      for (let k = 0; k < s.classes; k++) if (target[i * s.classes + k]! > 0) { c = k; break; } // i < batch, k < classes: inside target
      picked.push(c);
    }
    return {
      classes: picked,
      scores: Array.from(get(s.score)),
      logits: get(s.logits),
      maps: s.layers.map((l) => ({ layer: l.tensor, spatial: l.spatial, values: get(l.cam) })),
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
