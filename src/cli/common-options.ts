/** Option rows and value types several commands share, written once. */
import { getNetworkProfile, type NetworkProfile, networkProfileNames, parseNetworkProfile } from '../net/profiles.js';
import { deviceNames, getDevice } from '../profile/device-catalogue.js';
import { type DeviceProfile, parseDeviceProfile } from '../profile/device-profile.js';
import { readText } from './io.js';
import { option } from './option-table.js';
import { DEFAULT_MAX_TENSOR_BYTES } from '../runtime/size-limit.js';
import { each, inputShapes, integer, list, number, positive, size, type ValueType } from './option-types.js';

/** A profile named by a built-in name, or a .json file of the same fields. */
function profileType<P extends { readonly name: string }>(noun: string, names: readonly string[], builtIn: (name: string) => P, parse: (text: string, source: string) => P): ValueType<P> {
  return {
    noun,
    accepts: `a ${noun} name (${names.join(', ')}) or a profile .json file`,
    arg: 'NAME|FILE',
    parse: (t) => (t.endsWith('.json') ? parse(readText(t), t) : builtIn(t)),
    show: (p) => p.name,
  };
}

/** A device: a catalogue name or a device-profile JSON file. */
export const deviceType: ValueType<DeviceProfile> = profileType('device', deviceNames(), getDevice, parseDeviceProfile);

/** A network: a built-in profile name or a network-profile JSON file. */
export const networkType: ValueType<NetworkProfile> = profileType('network', networkProfileNames(), getNetworkProfile, parseNetworkProfile);

export const inputShapeOption = option(inputShapes, { repeat: true, help: 'shape of an input with other symbolic dims' });

export const threadsOption = option(integer, { check: positive, help: "ONNX Runtime intra-op threads (default: ORT's choice)" });

/** --mean / --std per channel, applied after pixels are scaled to [0, 1]. */
export const normalisationOptions = {
  mean: option(list(number), { arg: 'M1[,M2,M3]', help: 'per-channel mean subtracted after pixels are scaled to [0, 1] (default 0), e.g. 0.485,0.456,0.406' }),
  std: option(list(number), { check: each(positive), arg: 'S1[,S2,S3]', help: 'per-channel std divided by (default 1), e.g. 0.229,0.224,0.225' }),
};

/** The per-tensor memory bound of work that runs a model (runtime/size-limit.ts). */
export const maxTensorBytesOption = option(size, {
  default: DEFAULT_MAX_TENSOR_BYTES,
  check: positive,
  help: 'largest input or activation cleave lets ONNX Runtime allocate, checked from declared and inferred shapes before anything runs (default 1GiB)',
});
