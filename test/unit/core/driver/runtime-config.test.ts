import { expect } from 'chai';
import { HostDriver } from '../../../../src/core/driver/host-driver';
import {
  RuntimeConfigHandle,
  RuntimeConfigResult,
  RuntimeSetting,
} from '../../../../src/core/runtime-config';
import { RuntimeSettings } from '../../../../src/core/runtime-settings';
import { listenerInterface, singleInterface } from '../../../helpers/driver-fixtures';

/** A server-like handle with two settings, as the Backbone plugin will build one. */
function serverSettings(name: string, live = { idle: 15, max: 8 }) {
  return new RuntimeSettings('backbone', name, [
    {
      name: 'idle_timeout_secs',
      kind: 'seconds',
      applyMode: 'immediate',
      description: 'Disconnect silent peers after this long.',
      read: () => live.idle,
      write: (v: number) => void (live.idle = v),
    },
    {
      name: 'max_connections',
      kind: 'count',
      applyMode: 'new_connections_only',
      description: 'Cap on inbound connections.',
      read: () => live.max,
      write: (v: number) => void (live.max = v),
    },
  ]);
}

function clientSettings(name: string) {
  let wait = 5;
  return new RuntimeSettings('backbone_client', name, [
    {
      name: 'reconnect_wait_secs',
      kind: 'seconds',
      applyMode: 'next_reconnect',
      description: 'Delay between reconnect attempts.',
      read: () => wait,
      write: (v: number) => void (wait = v),
    },
  ]);
}

function unwrap<T>(result: RuntimeConfigResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function errorOf<T>(result: RuntimeConfigResult<T>): { code: string; message: string } {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

describe('HostDriver runtime config', () => {
  let driver: HostDriver;

  beforeEach(() => {
    driver = new HostDriver();
    driver.attach(listenerInterface(1, 'Public', { runtimeConfig: serverSettings('Public') }));
    driver.attach(singleInterface(2, 'Uplink', { runtimeConfig: clientSettings('Uplink') }));
    driver.attach(listenerInterface(3, 'Alpha', { runtimeConfig: serverSettings('Alpha') }));
  });

  afterEach(() => driver.stop());

  it('lists every setting by prefix, then interface name, with startup values', () => {
    const list = driver.listRuntimeConfig();
    expect(list.map((e) => e.key)).to.deep.equal([
      'backbone.Alpha.idle_timeout_secs',
      'backbone.Alpha.max_connections',
      'backbone.Public.idle_timeout_secs',
      'backbone.Public.max_connections',
      'backbone_client.Uplink.reconnect_wait_secs',
    ]);
    expect(list[2]).to.deep.equal({
      key: 'backbone.Public.idle_timeout_secs',
      value: 15,
      default: 15,
      source: 'startup',
      applyMode: 'immediate',
      description: 'Disconnect silent peers after this long.',
    });
  });

  it('gets one entry, and undefined for any key that names no setting', () => {
    expect(driver.getRuntimeConfig('backbone.Public.max_connections')).to.include({ value: 8, default: 8 });
    expect(driver.getRuntimeConfig('backbone.Public.nope')).to.equal(undefined);
    expect(driver.getRuntimeConfig('backbone.Missing.max_connections')).to.equal(undefined);
    expect(driver.getRuntimeConfig('nonsense')).to.equal(undefined);
  });

  it('sets a value, reports it as a runtime override, and resets it', () => {
    const set = unwrap(driver.setRuntimeConfig('backbone.Public.idle_timeout_secs', 30));
    expect(set).to.include({ value: 30, default: 15, source: 'runtime_override' });
    expect(driver.getRuntimeConfig('backbone.Public.idle_timeout_secs')?.value).to.equal(30);
    // The other interface with the same settings is untouched.
    expect(driver.getRuntimeConfig('backbone.Alpha.idle_timeout_secs')?.value).to.equal(15);
    const reset = unwrap(driver.resetRuntimeConfig('backbone.Public.idle_timeout_secs'));
    expect(reset).to.include({ value: 15, source: 'startup' });
  });

  it('rebases a setting from a reloaded config: applied, and the new startup value', () => {
    unwrap(driver.setRuntimeConfig('backbone.Public.max_connections', 3));
    const rebased = unwrap(driver.rebaseRuntimeConfig('backbone.Public.idle_timeout_secs', 45));
    expect(rebased).to.include({ value: 45, default: 45, source: 'startup' });
    // Reset goes back to the file's new value; other settings keep their overrides.
    expect(unwrap(driver.resetRuntimeConfig('backbone.Public.idle_timeout_secs')).value).to.equal(45);
    expect(driver.getRuntimeConfig('backbone.Public.max_connections')).to.include({ value: 3, default: 8 });
    expect(errorOf(driver.rebaseRuntimeConfig('backbone.Public.idle_timeout_secs', -1)).code).to.equal(
      'invalid_value',
    );
    expect(driver.getRuntimeConfig('backbone.Public.idle_timeout_secs')).to.include({
      value: 45,
      default: 45,
    });
  });

  it('rebases through set when a handle cannot rebase (a runtime override then)', () => {
    let wait = 5;
    const plain: RuntimeConfigHandle = {
      keyPrefix: 'plain',
      interfaceName: 'P',
      list: () => [{ setting: 'wait', value: wait, startup: 5, applyMode: 'immediate', description: 'd' }],
      get: (setting) =>
        setting === 'wait'
          ? { setting, value: wait, startup: 5, applyMode: 'immediate', description: 'd' }
          : undefined,
      set: (setting, value) => {
        wait = value as number;
        return {
          ok: true,
          value: { setting, value: wait, startup: 5, applyMode: 'immediate', description: 'd' },
        };
      },
      reset: () => ({ ok: false, error: { code: 'unsupported', message: 'no' } }),
    };
    driver.attach(listenerInterface(4, 'P', { runtimeConfig: plain }));
    expect(unwrap(driver.rebaseRuntimeConfig('plain.P.wait', 9))).to.include({
      value: 9,
      source: 'runtime_override',
    });
  });

  it('reports a value equal to the startup value as startup', () => {
    expect(unwrap(driver.setRuntimeConfig('backbone.Public.max_connections', 8)).source).to.equal('startup');
  });

  it('passes the handle errors through: invalid_type and invalid_value', () => {
    expect(errorOf(driver.setRuntimeConfig('backbone.Public.max_connections', 1.5))).to.deep.equal({
      code: 'invalid_type',
      message: 'backbone.Public.max_connections expects an integer',
    });
    expect(errorOf(driver.setRuntimeConfig('backbone.Public.idle_timeout_secs', -1)).code).to.equal(
      'invalid_value',
    );
    expect(errorOf(driver.setRuntimeConfig('backbone.Public.idle_timeout_secs', 'x')).code).to.equal(
      'invalid_type',
    );
  });

  it('reports not_found for a known prefix with an unknown interface, naming the family', () => {
    expect(errorOf(driver.setRuntimeConfig('backbone.Nope.idle_timeout_secs', 1))).to.deep.equal({
      code: 'not_found',
      message: "backbone interface 'Nope' not found",
    });
    expect(errorOf(driver.resetRuntimeConfig('backbone_client.Nope.reconnect_wait_secs'))).to.deep.equal({
      code: 'not_found',
      message: "backbone client interface 'Nope' not found",
    });
  });

  it('reports unknown_key for an unknown prefix, an unknown setting or a malformed key', () => {
    for (const key of ['tcp_server.Public.x', 'backbone.Public.nope', 'backbone.Public', 'backbone', '']) {
      expect(errorOf(driver.setRuntimeConfig(key, 1))).to.deep.equal({
        code: 'unknown_key',
        message: `unknown runtime-config key '${key}'`,
      });
    }
    expect(errorOf(driver.resetRuntimeConfig('backbone.Public.nope')).code).to.equal('unknown_key');
  });

  it('matches interface names containing dots, preferring the longest name', () => {
    driver.attach(
      listenerInterface(4, 'eu.west', { runtimeConfig: serverSettings('eu.west', { idle: 1, max: 1 }) }),
    );
    driver.attach(listenerInterface(5, 'eu', { runtimeConfig: serverSettings('eu', { idle: 2, max: 2 }) }));
    expect(driver.getRuntimeConfig('backbone.eu.west.idle_timeout_secs')?.value).to.equal(1);
    expect(driver.getRuntimeConfig('backbone.eu.idle_timeout_secs')?.value).to.equal(2);
    unwrap(driver.setRuntimeConfig('backbone.eu.west.max_connections', 9));
    expect(driver.getRuntimeConfig('backbone.eu.max_connections')?.value).to.equal(2);
    expect(errorOf(driver.setRuntimeConfig('backbone.eu.north.idle_timeout_secs', 1))).to.deep.equal({
      code: 'not_found',
      message: "backbone interface 'eu.north' not found",
    });
  });

  it('reports apply_failed when the handle throws or the entry cannot be read back', () => {
    let vanish = false;
    const flaky: RuntimeConfigHandle = {
      keyPrefix: 'flaky',
      interfaceName: 'F',
      list: () => (vanish ? [] : [setting]),
      get: (name) => (name === 'x' && !vanish ? setting : undefined),
      set: (): RuntimeConfigResult<RuntimeSetting> => {
        vanish = true;
        return { ok: true, value: setting };
      },
      reset: () => {
        throw new Error('disk on fire');
      },
    };
    const setting: RuntimeSetting = {
      setting: 'x',
      value: 1,
      startup: 1,
      applyMode: 'restart_required',
      description: 'x',
    };
    driver.attach(listenerInterface(9, 'F', { runtimeConfig: flaky }));
    expect(errorOf(driver.resetRuntimeConfig('flaky.F.x'))).to.deep.equal({
      code: 'apply_failed',
      message: 'failed to apply flaky.F.x: disk on fire',
    });
    expect(errorOf(driver.setRuntimeConfig('flaky.F.x', 2)).code).to.equal('apply_failed');
  });

  it('refuses a second handle for the same keys', () => {
    expect(() =>
      driver.attach(listenerInterface(9, 'Other', { runtimeConfig: serverSettings('Public') })),
    ).to.throw(/backbone\.Public/);
    expect(driver.attachedInterfaces().map((a) => a.name)).not.to.include('Other');
  });
});
