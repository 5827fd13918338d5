import { expect } from 'chai';
import { MAX_PENALTY_REASONS, PeerActivity } from '../../../src/node/peer-activity';

describe('PeerActivity', () => {
  it('counts per listener, and nothing for a listener without events', () => {
    const activity = new PeerActivity();
    activity.connected(1, 10001, '10.0.0.1', 4000);
    activity.writeStall(1);
    activity.disconnected(1, 10001);
    expect(activity.of(1)).to.deep.include({
      connected: 1,
      disconnected: 1,
      writeStalls: 1,
      idleTimeouts: 0,
    });
    expect(activity.of(2)).to.equal(undefined);
  });

  it('keeps live peer addresses only when asked, and forgets them when the peer goes', () => {
    const untracked = new PeerActivity();
    untracked.connected(1, 10001, '10.0.0.1', 4000);
    expect(untracked.addressOf(10001)).to.equal(undefined);

    const tracked = new PeerActivity(true);
    tracked.connected(1, 10001, '10.0.0.1', 4000);
    tracked.connected(1, 10002, '2001:db8::1', 4001);
    expect(tracked.addressOf(10001)).to.equal('10.0.0.1:4000');
    expect(tracked.addressOf(10002)).to.equal('[2001:db8::1]:4001');
    tracked.disconnected(1, 10001);
    tracked.forget(10002);
    expect([tracked.addressOf(10001), tracked.addressOf(10002)]).to.deep.equal([undefined, undefined]);
  });

  it('bounds the penalty reasons it keeps apart; the rest count as other', () => {
    const activity = new PeerActivity();
    for (let i = 0; i < MAX_PENALTY_REASONS + 5; i++) activity.penalty(1, `reason ${i}`);
    activity.penalty(1, 'reason 0');
    const penalties = activity.of(1)?.penalties ?? new Map();
    expect(penalties.size).to.equal(MAX_PENALTY_REASONS);
    expect(penalties.get('reason 0')).to.equal(2);
    expect(penalties.get('other')).to.equal(6);
  });
});
