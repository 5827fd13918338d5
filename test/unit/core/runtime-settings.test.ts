import { expect } from 'chai';
import { RuntimeSettings } from '../../../src/core/runtime-settings';

describe('RuntimeSettings', () => {
  function make() {
    const live = { idle: 15, max: 8, on: true, label: 'x' };
    const settings = new RuntimeSettings('backbone', 'Public', [
      {
        name: 'idle_timeout_secs',
        kind: 'seconds',
        applyMode: 'immediate',
        description: 'idle',
        read: () => live.idle,
        write: (v: number) => void (live.idle = v),
      },
      {
        name: 'max_connections',
        kind: 'count',
        applyMode: 'new_connections_only',
        description: 'max',
        read: () => live.max,
        write: (v: number) => void (live.max = v),
      },
      {
        name: 'enabled',
        kind: 'boolean',
        applyMode: 'immediate',
        description: 'on',
        read: () => live.on,
        write: (v: boolean) => void (live.on = v),
      },
      {
        name: 'label',
        kind: 'string',
        applyMode: 'immediate',
        description: 'label',
        read: () => live.label,
        write: (v: string) => void (live.label = v),
        validate: (v: string) => (v.length > 3 ? 'must be at most 3 characters' : undefined),
      },
    ]);
    return { live, settings };
  }

  it('lists settings in order with their startup values', () => {
    const { settings } = make();
    expect(settings.list().map((s) => s.setting)).to.deep.equal([
      'idle_timeout_secs',
      'max_connections',
      'enabled',
      'label',
    ]);
    expect(settings.get('idle_timeout_secs')).to.include({ value: 15, startup: 15 });
    expect(settings.get('nope')).to.equal(undefined);
  });

  it('applies valid values and resets to the startup value', () => {
    const { live, settings } = make();
    const set = settings.set('idle_timeout_secs', 2.5);
    expect(set.ok).to.equal(true);
    expect(live.idle).to.equal(2.5);
    expect(settings.get('idle_timeout_secs')).to.include({ value: 2.5, startup: 15 });
    const reset = settings.reset('idle_timeout_secs');
    expect(reset.ok && reset.value.value).to.equal(15);
    expect(settings.set('max_connections', 0).ok).to.equal(true);
    expect(live.max).to.equal(0);
  });

  it('rejects values with rns-net error codes and messages', () => {
    const { live, settings } = make();
    const expectError = (result: ReturnType<typeof settings.set>, code: string, message: string) => {
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.error).to.deep.equal({ code, message });
    };
    expectError(
      settings.set('idle_timeout_secs', -1),
      'invalid_value',
      'backbone.Public.idle_timeout_secs must be >= 0',
    );
    expectError(
      settings.set('idle_timeout_secs', 'x'),
      'invalid_type',
      'backbone.Public.idle_timeout_secs expects a numeric value',
    );
    expectError(
      settings.set('max_connections', 1.5),
      'invalid_type',
      'backbone.Public.max_connections expects an integer',
    );
    expectError(settings.set('enabled', 1), 'invalid_type', 'backbone.Public.enabled expects a boolean');
    expectError(
      settings.set('label', 'long'),
      'invalid_value',
      'backbone.Public.label must be at most 3 characters',
    );
    expectError(settings.set('nope', 1), 'unknown_key', "unknown runtime-config key 'backbone.Public.nope'");
    expect(live).to.deep.equal({ idle: 15, max: 8, on: true, label: 'x' });
  });

  it('takes null for a nullable count (unset), and refuses it for any other', () => {
    const live: { tries: number | null } = { tries: null };
    const settings = new RuntimeSettings('client', 'Uplink', [
      {
        name: 'max_tries',
        kind: 'count',
        nullable: true,
        applyMode: 'next_reconnect',
        description: 'tries',
        read: () => live.tries,
        write: (v: number | null) => void (live.tries = v),
      },
    ]);
    expect(settings.set('max_tries', 0).ok).to.equal(true);
    expect(live.tries).to.equal(0);
    expect(settings.reset('max_tries').ok).to.equal(true);
    expect(live.tries).to.equal(null);
    expect(settings.set('max_tries', -1).ok).to.equal(false);
    const { settings: plain } = make();
    expect(plain.set('max_connections', null)).to.deep.include({ ok: false });
  });

  it('reports apply_failed when applying throws', () => {
    const settings = new RuntimeSettings('x', 'y', [
      {
        name: 's',
        kind: 'seconds',
        applyMode: 'immediate',
        description: 'd',
        read: () => 1,
        write: () => {
          throw new Error('boom');
        },
      },
    ]);
    const result = settings.set('s', 2);
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.error.code).to.equal('apply_failed');
  });
});
