import { expect } from 'chai';
import { Socket } from 'node:net';
import sinon from 'sinon';
import { SWEEP_STEP_ENTRIES } from '../../../src/net/net-constants';
import { createServerRuntimeHandle } from '../../../src/net/server/server-runtime-handle';
import { attemptFrom, closedWithin } from './support/abuse-test-support';
import { startTestServer, TestServer } from './support/backbone-test-server';

/** The `i`-th loopback address from 127.1.0.1 on (the whole 127.0.0.0/8 is loopback on Linux). */
const loopback = (i: number): string => `127.1.${(i >> 8) & 255}.${(i & 255) + 1}`;

describe('BackboneInterface server peer tables (loopback)', () => {
  let server: TestServer | undefined;
  let clock: sinon.SinonFakeTimers | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
    server = undefined;
  });

  it('bounds both tables by max_tracked_peers while every address of a flood is penalised', async () => {
    server = await startTestServer(
      {},
      {
        abuse: {
          penaltyExempt: [],
          blockFastFlapping: false,
          blacklistDurationMs: 600_000,
          connectRateThreshold: 1,
          connectRateWindowMs: 60_000,
          maxTrackedIps: 50,
        },
      },
    );
    const s = server;
    // One connection from each of 200 addresses, 20 at a time: each is refused with a penalty.
    for (let batch = 0; batch < 10; batch++) {
      const attempts = Array.from({ length: 20 }, (_, i) => attemptFrom(s.port, loopback(batch * 20 + i)));
      sockets.push(...attempts);
      await Promise.all(attempts.map((a) => closedWithin(a)));
    }
    expect(s.sink.details('peer.penalty')).to.have.length(200);
    expect(s.sink.details('peer.connected')).to.have.length(0);
    expect(s.state.monitor.size).to.be.at.most(50);
    expect(s.state.tracker.size).to.be.at.most(50);
    // The most recent offender is still refused.
    const again = attemptFrom(s.port, loopback(199));
    sockets.push(again);
    await closedWithin(again);
    expect(s.state.list().find((e) => e.ip === loopback(199))).to.deep.include({ rejectCount: 2 });
  });

  it('works a lowered max_tracked_peers off at once, in steps of bounded size (fake timers)', async () => {
    clock = sinon.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    server = await startTestServer(
      {},
      {
        abuse: {
          penaltyExempt: [],
          blacklistDurationMs: 600_000,
          connectRateThreshold: 1000,
          connectRateWindowMs: 60_000,
        },
      },
    );
    const { state } = server;
    const ips = 3 * SWEEP_STEP_ENTRIES + 10;
    for (let i = 0; i < ips; i++) {
      state.tracker.recordConnectAttempt(`10.8.${i >> 8}.${i & 255}`);
      state.monitor.blacklist(`10.8.${i >> 8}.${i & 255}`, 600_000, 'x');
    }
    const steps = sinon.spy(state, 'sweep');
    expect(createServerRuntimeHandle(state).set('max_tracked_peers', 100).ok).to.equal(true);
    expect(steps.callCount).to.equal(1, 'the first step runs at once');
    expect(state.tracker.size).to.equal(ips - SWEEP_STEP_ENTRIES);
    await clock.tickAsync(10);
    expect(state.tracker.size).to.equal(100);
    expect(state.monitor.size).to.equal(100);
    expect(steps.callCount).to.be.at.least(3);
    expect(steps.getCalls().every((c) => c.args[0] === SWEEP_STEP_ENTRIES)).to.equal(true);
  });
});
