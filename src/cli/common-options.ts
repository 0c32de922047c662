/** Option rows and value types several commands share, written once. */
import { getNetworkProfile, type NetworkProfile, networkProfileNames, parseNetworkProfile } from '../net/profiles.js';
import { deviceNames, getDevice } from '../profile/device-catalogue.js';
import { type DeviceProfile, parseDeviceProfile } from '../profile/device-profile.js';
import { readText } from './io.js';
import { option } from './option-table.js';
import { each, inputShapes, integer, list, number, positive, type ValueType } from './option-types.js';

/** A device: a catalogue name or a device-profile JSON file. */
export const deviceType: ValueType<DeviceProfile> = {
  noun: 'device',
  accepts: `a device name (${deviceNames().join(', ')}) or a profile .json file`,
  arg: 'NAME|FILE',
  parse: (t) => (t.endsWith('.json') ? parseDeviceProfile(readText(t), t) : getDevice(t)),
  show: (d) => d.name,
};

/** A network: a built-in profile name or a network-profile JSON file. */
export const networkType: ValueType<NetworkProfile> = {
  noun: 'network',
  accepts: `a network name (${networkProfileNames().join(', ')}) or a profile .json file`,
  arg: 'NAME|FILE',
  parse: (t) => (t.endsWith('.json') ? parseNetworkProfile(readText(t), t) : getNetworkProfile(t)),
  show: (n) => n.name,
};

export const inputShapeOption = option(inputShapes, { repeat: true, help: 'shape of an input with other symbolic dims' });

export const threadsOption = option(integer, { check: positive, help: "ONNX Runtime intra-op threads (default: ORT's choice)" });

/** --mean / --std per channel, applied after pixels are scaled to [0, 1]. */
export const normalisationOptions = {
  mean: option(list(number), { arg: 'M1[,M2,M3]', help: 'per-channel mean subtracted after pixels are scaled to [0, 1] (default 0), e.g. 0.485,0.456,0.406' }),
  std: option(list(number), { check: each(positive), arg: 'S1[,S2,S3]', help: 'per-channel std divided by (default 1), e.g. 0.229,0.224,0.225' }),
};
