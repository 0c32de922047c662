import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadProfileError } from '../../src/errors.js';
import { checkNetworkProfile, getNetworkProfile, NETWORK_PROFILES, networkProfileNames, parseNetworkProfile, pathFromProfile, radioEnergyJ } from '../../src/net/profiles.js';

describe('network profiles', () => {
  it('has ethernet, wifi, 4g, 5g and lpwan, each valid against the schema', () => {
    assert.deepEqual(networkProfileNames(), ['4g', '5g', 'ethernet', 'lpwan', 'wifi']);
    for (const p of Object.values(NETWORK_PROFILES)) assert.equal(checkNetworkProfile(p, p.name), p);
  });

  it('orders the access networks sensibly: ethernet fastest, lpwan slowest', () => {
    const up = (n: string): number => getNetworkProfile(n).uplinkBps;
    assert.ok(up('ethernet') > up('5g') && up('5g') > up('4g') && up('4g') > up('lpwan'));
    assert.ok(getNetworkProfile('lpwan').rttMs > getNetworkProfile('4g').rttMs);
  });

  it('an unknown name lists the known ones', () => {
    assert.throws(
      () => getNetworkProfile('3g'),
      (e: unknown) => e instanceof BadProfileError && e.code === 'BAD_PROFILE' && /unknown network "3g" \(known: 4g, 5g, ethernet, lpwan, wifi\)/.test(e.message),
    );
    assert.throws(() => getNetworkProfile('toString'), /unknown network/);
  });

  it('user JSON: errors name the wrong field', () => {
    const good = { ...getNetworkProfile('4g'), name: 'mine' };
    assert.equal(parseNetworkProfile(JSON.stringify(good), 'mine.json').name, 'mine');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, uplinkBps: -5 }, /field "uplinkBps" must be a number > 0 \(bit\/s\), got -5/],
      [{ ...good, uplinkBps: 0 }, /field "uplinkBps"/],
      [{ ...good, downlinkBps: '10mbit' }, /field "downlinkBps"/],
      [{ ...good, lossRate: 2 }, /field "lossRate"/],
      [{ ...good, mtu: 100 }, /field "mtu"/],
      [{ ...good, rtt: 5 }, /unknown field "rtt"/],
      [{ ...good, congestionControl: 'vegas' }, /field "congestionControl" must be one of bbr, cubic, reno/],
      [(({ radioTxW: _r, ...rest }) => rest)(good), /field "radioTxW" is missing/],
    ];
    for (const [value, re] of cases) assert.throws(() => parseNetworkProfile(JSON.stringify(value), 'mine.json'), re);
    assert.throws(() => parseNetworkProfile('{ nope', 'mine.json'), /mine.json: not valid JSON/);
    assert.throws(() => parseNetworkProfile('[]', 'mine.json'), /must be a JSON object/);
  });

  it('radio energy is power x bits / rate', () => {
    const p = getNetworkProfile('4g');
    assert.ok(Math.abs(radioEnergyJ(p, 1_250_000) - (1e7 * p.radioTxW) / p.uplinkBps) < 1e-12);
    assert.ok(radioEnergyJ(p, 1000, 1000) > radioEnergyJ(p, 1000));
  });

  it('turns a profile into a path for the models, congestion control included', () => {
    const path = pathFromProfile(getNetworkProfile('ethernet'));
    assert.equal(path.uplinkBps, 1e9);
    assert.equal(path.linkOverheadBytes, 38);
    assert.equal(path.congestionControl, undefined);
    assert.equal(pathFromProfile({ ...getNetworkProfile('4g'), congestionControl: 'cubic' }).congestionControl, 'cubic');
  });
});
