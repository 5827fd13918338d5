import { expect } from 'chai';
import { silentLogger } from '../../../../src/core/logger';
import { dispatchControlRequest } from '../../../../src/node/control/control-dispatcher';
import { ControlOutcome } from '../../../../src/node/control/control-protocol';
import { FakeControlTarget } from './fake-control-target';

describe('dispatchControlRequest', () => {
  let target: FakeControlTarget;
  const run = (method: string, params?: unknown): ControlOutcome =>
    dispatchControlRequest(target, method, params, silentLogger);
  const errorCode = (outcome: ControlOutcome): string | undefined =>
    outcome.ok ? undefined : outcome.error.code;

  beforeEach(() => {
    target = new FakeControlTarget();
  });

  it('serves status with or without an empty params object', () => {
    expect(run('status')).to.deep.include({ ok: true });
    expect(run('status', {})).to.deep.include({ ok: true });
    expect(target.calls).to.deep.equal(['status', 'status']);
  });

  it('refuses an unknown method', () => {
    const outcome = run('shutdown');
    expect(errorCode(outcome)).to.equal('unknown_method');
  });

  it('refuses params that are not an object, and unknown params', () => {
    expect(errorCode(run('status', [1]))).to.equal('invalid_type');
    expect(errorCode(run('status', 'x'))).to.equal('invalid_type');
    expect(errorCode(run('config.get', { key: 'a', extra: 1 }))).to.equal('invalid_value');
  });

  it('lists a page of peers of every listener or of one, and passes not_found on', () => {
    const all = run('peers.list');
    expect(all.ok && all.result).to.deep.equal({ peers: target.peers, cursor: null });
    expect(target.calls).to.deep.equal(['listPeers *']);
    expect(run('peers.list', { interface: 'Public' }).ok).to.equal(true);
    expect(errorCode(run('peers.list', { interface: 'Nope' }))).to.equal('not_found');
    expect(errorCode(run('peers.list', { interface: 7 }))).to.equal('invalid_type');
  });

  it('passes a page cursor and limit on, and refuses ones of the wrong type', () => {
    expect(run('peers.list', { interface: 'Public', cursor: '0', limit: 10 }).ok).to.equal(true);
    expect(target.calls).to.deep.equal(['listPeers Public 0']);
    expect(errorCode(run('peers.list', { cursor: 5 }))).to.equal('invalid_type');
    expect(errorCode(run('peers.list', { limit: '10' }))).to.equal('invalid_type');
    expect(errorCode(run('peers.list', { limit: 1.5 }))).to.equal('invalid_type');
  });

  it('lists a page of paths with its filters, refusing filters of the wrong type or range', () => {
    const page = run('paths.list', { destination: 'ab', interface: 'Public', maxHops: 3, cursor: '0' });
    expect(page.ok && page.result).to.deep.equal({ paths: target.paths, cursor: null });
    expect(target.calls).to.deep.equal(['listPaths Public ab 3 0']);
    expect(errorCode(run('paths.list', { interface: 'Nope' }))).to.equal('not_found');
    expect(errorCode(run('paths.list', { maxHops: '3' }))).to.equal('invalid_type');
    expect(errorCode(run('paths.list', { maxHops: 256 }))).to.equal('invalid_value');
    expect(errorCode(run('paths.list', { maxHops: -1 }))).to.equal('invalid_value');
    expect(errorCode(run('paths.list', { destination: 12 }))).to.equal('invalid_type');
    expect(errorCode(run('paths.list', { hops: 1 }))).to.equal('invalid_value');
  });

  it('drops a path, not_found when there is none', () => {
    const hash = 'ab'.repeat(16);
    expect(run('paths.drop', { destination: hash })).to.deep.equal({ ok: true, result: { dropped: true } });
    const again = run('paths.drop', { destination: hash });
    expect(errorCode(again)).to.equal('not_found');
    expect(!again.ok && again.error.message).to.equal(`no path to ${hash}`);
    expect(errorCode(run('paths.drop', {}))).to.equal('invalid_value');
    expect(target.calls).to.deep.equal([`dropPath ${hash}`, `dropPath ${hash}`]);
  });

  it('blacklists with a default reason and reports the applied duration', () => {
    const outcome = run('peers.blacklist', { interface: 'Public', ip: '192.0.2.9', durationSecs: 7200 });
    expect(outcome).to.deep.equal({ ok: true, result: { durationSecs: 3600 } });
    expect(target.calls).to.deep.equal(['blacklist Public 192.0.2.9 7200 operator blacklist']);
    run('peers.blacklist', { interface: 'Public', ip: '::1', durationSecs: 5, reason: 'spam' });
    expect(target.calls[1]).to.equal('blacklist Public ::1 5 spam');
  });

  it('validates blacklist params', () => {
    const base = { interface: 'Public', ip: '192.0.2.9', durationSecs: 10 };
    expect(errorCode(run('peers.blacklist', { ...base, ip: 'not-an-ip' }))).to.equal('invalid_value');
    expect(errorCode(run('peers.blacklist', { ...base, durationSecs: '10' }))).to.equal('invalid_type');
    expect(errorCode(run('peers.blacklist', { ...base, durationSecs: 0 }))).to.equal('invalid_value');
    expect(errorCode(run('peers.blacklist', { ...base, durationSecs: -1 }))).to.equal('invalid_value');
    expect(errorCode(run('peers.blacklist', { interface: 'Public', ip: '192.0.2.9' }))).to.equal(
      'invalid_value',
    );
    expect(errorCode(run('peers.blacklist', { ...base, interface: '' }))).to.equal('invalid_value');
    expect(errorCode(run('peers.blacklist', { ...base, interface: 'Other' }))).to.equal('not_found');
    expect(target.calls).to.have.length(1);
  });

  it('clears a known IP and reports not_found for an unknown one', () => {
    expect(run('peers.clear', { interface: 'Public', ip: '192.0.2.7' })).to.deep.equal({
      ok: true,
      result: { cleared: true },
    });
    expect(errorCode(run('peers.clear', { interface: 'Public', ip: '192.0.2.8' }))).to.equal('not_found');
    expect(errorCode(run('peers.clear', { interface: 'Public' }))).to.equal('invalid_value');
  });

  it('gets, sets and resets runtime config, passing the target error codes on', () => {
    const key = 'backbone.Public.idle_timeout_secs';
    expect(run('config.list')).to.deep.include({ ok: true });
    const set = run('config.set', { key, value: 5 });
    expect(set.ok && (set.result as { value: number }).value).to.equal(5);
    const got = run('config.get', { key });
    expect(got.ok && (got.result as { source: string }).source).to.equal('runtime_override');
    const reset = run('config.reset', { key });
    expect(reset.ok && (reset.result as { value: number }).value).to.equal(60);
    expect(errorCode(run('config.get', { key: 'nope' }))).to.equal('unknown_key');
    expect(errorCode(run('config.set', { key, value: 'x' }))).to.equal('invalid_type');
    expect(errorCode(run('config.set', { key, value: -1 }))).to.equal('invalid_value');
    expect(errorCode(run('config.reset', { key: 'nope' }))).to.equal('unknown_key');
  });

  it('requires a scalar value for config.set', () => {
    const key = 'backbone.Public.idle_timeout_secs';
    expect(errorCode(run('config.set', { key, value: { a: 1 } }))).to.equal('invalid_type');
    expect(errorCode(run('config.set', { key, value: [1] }))).to.equal('invalid_type');
    expect(errorCode(run('config.set', { key }))).to.equal('invalid_value');
    expect(errorCode(run('config.set', { value: 1 }))).to.equal('invalid_value');
  });

  it('turns a throwing target into internal_error', () => {
    const outcome = run('config.set', { key: 'explode', value: 1 });
    expect(outcome).to.deep.equal({
      ok: false,
      error: { code: 'internal_error', message: 'config.set failed: boom' },
    });
  });
});
