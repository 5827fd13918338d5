import { expect } from 'chai';
import { createClientRuntimeHandle } from '../../../../../src/net/client/client-runtime-handle';
import { clientConfig, clientRuntime } from './client-fixtures';

describe('createClientRuntimeHandle', () => {
  function make() {
    const config = clientConfig(4242);
    const runtime = clientRuntime(config, {
      connectTimeoutMs: 5000,
      reconnectWaitMs: 5000,
      maxReconnectTries: null,
      writeStallTimeoutMs: 30_000,
    });
    return { runtime, handle: createClientRuntimeHandle(config, runtime) };
  }

  it("lists rns-net's three keys (next reconnect) and write_stall_timeout_secs (immediate)", () => {
    const { handle } = make();
    expect(handle.keyPrefix).to.equal('backbone_client');
    expect(handle.interfaceName).to.equal('Backbone Client');
    expect(handle.list()).to.deep.equal([
      {
        setting: 'connect_timeout_secs',
        value: 5,
        startup: 5,
        applyMode: 'next_reconnect',
        description: 'Client connect timeout in seconds; applies on the next reconnect.',
      },
      {
        setting: 'reconnect_wait_secs',
        value: 5,
        startup: 5,
        applyMode: 'next_reconnect',
        description: 'Delay between client reconnect attempts in seconds (at least 1).',
      },
      {
        setting: 'max_reconnect_tries',
        value: null,
        startup: null,
        applyMode: 'next_reconnect',
        description: 'Maximum client reconnect attempts; null for unlimited, 0 never retries.',
      },
      {
        setting: 'write_stall_timeout_secs',
        value: 30,
        startup: 30,
        applyMode: 'immediate',
        description: 'Reconnect when the remote does not take data for this many seconds; 0 disables it.',
      },
    ]);
  });

  it('writes seconds into the live runtime in milliseconds and reads them back', () => {
    const { handle, runtime } = make();
    const set = handle.set('connect_timeout_secs', 2.5);
    expect(set.ok && set.value.value).to.equal(2.5);
    expect(runtime.connectTimeoutMs).to.equal(2500);
    expect(handle.set('reconnect_wait_secs', 1).ok).to.be.true;
    expect(runtime.reconnectWaitMs).to.equal(1000);
    expect(handle.set('max_reconnect_tries', 3).ok).to.be.true;
    expect(runtime.maxReconnectTries).to.equal(3);
    expect(handle.get('max_reconnect_tries')?.value).to.equal(3);
    expect(handle.set('max_reconnect_tries', 0).ok).to.be.true;
    expect(runtime.maxReconnectTries).to.equal(0);
    expect(handle.set('max_reconnect_tries', null).ok).to.be.true;
    expect(runtime.maxReconnectTries).to.equal(null);
  });

  it('resets each setting to its startup value (connect 2.5, tries 7, reset -> 5.0 and unlimited)', () => {
    const { handle, runtime } = make();
    handle.set('connect_timeout_secs', 2.5);
    handle.set('max_reconnect_tries', 7);
    const reset = handle.reset('connect_timeout_secs');
    expect(reset.ok && reset.value.value).to.equal(5);
    expect(runtime.connectTimeoutMs).to.equal(5000);
    expect(runtime.maxReconnectTries).to.equal(7);
    handle.reset('max_reconnect_tries');
    expect(runtime.maxReconnectTries).to.equal(null);
  });

  it("rejects bad values with rns-net's codes and messages, leaving the runtime unchanged", () => {
    const { handle, runtime } = make();
    expect(handle.set('max_reconnect_tries', 1.5)).to.deep.equal({
      ok: false,
      error: {
        code: 'invalid_type',
        message: 'backbone_client.Backbone Client.max_reconnect_tries expects an integer',
      },
    });
    expect(handle.set('reconnect_wait_secs', -1)).to.deep.equal({
      ok: false,
      error: {
        code: 'invalid_value',
        message: 'backbone_client.Backbone Client.reconnect_wait_secs must be >= 1',
      },
    });
    expect(handle.set('connect_timeout_secs', 'soon')).to.deep.equal({
      ok: false,
      error: {
        code: 'invalid_type',
        message: 'backbone_client.Backbone Client.connect_timeout_secs expects a numeric value',
      },
    });
    const unknown = handle.set('idle_timeout_secs', 1);
    expect(!unknown.ok && unknown.error.code).to.equal('unknown_key');
    expect(handle.set('write_stall_timeout_secs', -0.5)).to.deep.equal({
      ok: false,
      error: {
        code: 'invalid_value',
        message: 'backbone_client.Backbone Client.write_stall_timeout_secs must be >= 0',
      },
    });
    expect(runtime).to.deep.equal({
      connectTimeoutMs: 5000,
      reconnectWaitMs: 5000,
      maxReconnectTries: null,
      writeStallTimeoutMs: 30_000,
    });
  });

  it('refuses a reconnect wait under 1 s (0 would retry in a tight loop)', () => {
    const { handle, runtime } = make();
    for (const secs of [0, 0.5, 0.999]) {
      expect(handle.set('reconnect_wait_secs', secs)).to.deep.equal({
        ok: false,
        error: {
          code: 'invalid_value',
          message: 'backbone_client.Backbone Client.reconnect_wait_secs must be >= 1',
        },
      });
    }
    expect(runtime.reconnectWaitMs).to.equal(5000);
  });

  it('refuses durations past the longest timer (2147483.647 s), which would fire after 1 ms', () => {
    const { handle, runtime } = make();
    for (const setting of ['connect_timeout_secs', 'reconnect_wait_secs', 'write_stall_timeout_secs']) {
      for (const secs of [1e308, 3_000_000, 2_147_483.648]) {
        const result = handle.set(setting, secs);
        expect(!result.ok && result.error.code, `${setting} ${secs}`).to.equal('invalid_value');
        expect(!result.ok && result.error.message).to.include('must be <= 2147483.647');
      }
      expect(handle.set(setting, 2_147_483.647).ok, setting).to.be.true;
    }
    expect(runtime).to.include({ connectTimeoutMs: 2_147_483_647, reconnectWaitMs: 2_147_483_647 });
  });

  it('gets, sets and resets write_stall_timeout_secs, telling the running client each time', () => {
    const config = clientConfig(4242);
    const runtime = clientRuntime(config, { writeStallTimeoutMs: 30_000 });
    let notices = 0;
    const handle = createClientRuntimeHandle(config, runtime, () => notices++);
    expect(handle.get('write_stall_timeout_secs')?.value).to.equal(30);
    const set = handle.set('write_stall_timeout_secs', 0.25);
    expect(set.ok && set.value.value).to.equal(0.25);
    expect(runtime.writeStallTimeoutMs).to.equal(250);
    expect(notices).to.equal(1);
    expect(handle.set('write_stall_timeout_secs', 0).ok).to.be.true;
    expect(runtime.writeStallTimeoutMs).to.equal(0);
    const reset = handle.reset('write_stall_timeout_secs');
    expect(reset.ok && reset.value.value).to.equal(30);
    expect(runtime.writeStallTimeoutMs).to.equal(30_000);
    expect(notices).to.equal(3);
  });

  it('reads an absent writeStallTimeoutMs (a runtime built before the key existed) as 0 = off', () => {
    const config = clientConfig(4242);
    const runtime = clientRuntime(config);
    delete runtime.writeStallTimeoutMs;
    const handle = createClientRuntimeHandle(config, runtime);
    expect(handle.get('write_stall_timeout_secs')?.value).to.equal(0);
  });
});
