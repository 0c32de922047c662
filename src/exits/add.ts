import { CutError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { type ExitOptions, insertExits, type ModelWithExits } from './insert.js';
import type { ExitPlacement } from './placement.js';
import { EXITS_OPTIMISED_RTOL, type ExitVerification, verifyExits } from './verify.js';

export interface AddExitsOptions extends ExitOptions {
  /** seed of the check's random input (default 1) */
  readonly verifySeed?: number;
}

export interface AddedExits extends ModelWithExits {
  readonly verification: ExitVerification;
}

/**
 * Adds exit branches to a classifier (`{ at: tensors }` or `{ count, placement }`) and checks the
 * result in ONNX Runtime: the original outputs bit-identical with graph optimisations off and
 * within 1e-6 relative with them on, each exit [N, classes] and finite. A failed check throws.
 */
export async function addExits(model: ModelProto, where: ExitPlacement, options: AddExitsOptions = {}): Promise<AddedExits> {
  const added = insertExits(model, where, options);
  const verification = await verifyExits(model, added.model, added.exits.map((e) => e.output), added.classes, { seed: options.verifySeed });
  if (!verification.bitIdentical) throw new CutError('adding the exits changed the original outputs with graph optimisations off; please report this model');
  if (!(verification.optimisedRelativeError <= EXITS_OPTIMISED_RTOL)) {
    throw new CutError(`adding the exits changed the original outputs by ${verification.optimisedRelativeError.toExponential(2)} relative with graph optimisations on (allowed ${EXITS_OPTIMISED_RTOL}); an exit reading another tensor of the same layer may avoid it`);
  }
  return { ...added, verification };
}
