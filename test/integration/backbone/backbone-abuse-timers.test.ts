import { expect } from 'chai';
import { RecordingLogger } from '../../helpers/recording-logger';
import { Socket } from 'node:net';
import sinon from 'sinon';
import { StreamPeer } from '../../../src/net/server/stream-peer';
import { createServerRuntimeHandle } from '../../../src/net/server/server-runtime-handle';
import { admittedFrom, attemptFrom, ATTACKER_IP, closedWithin, entryOf } from './support/abuse-test-support';
import { startTestServer, TestServer } from './support/backbone-test-server';

const SEC = 1000;

/** Fake only timers and Date: real sockets need the real setImmediate and nextTick. */
function fakeTimers(): sinon.SinonFakeTimers {
  return sinon.useFakeTimers({
    now: 1_000_000,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

describe('BackboneInterface server abuse defence (fake timers)', () => {
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

  /** A silent connection from the attacker address that the idle timeout (1 s) then closes. */
  async function idleTimeoutOnce(s: TestServer, c: sinon.SinonFakeTimers): Promise<void> {
    const attacker = await admittedFrom(s, ATTACKER_IP);
    sockets.push(attacker.socket);
    await c.tickAsync(SEC);
    await s.sink.waitForDetail(
      'peer.disconnected',
      (e) => e.cause === 'idle_timeout' && e.peerId === attacker.id,
    );
    await closedWithin(attacker.socket);
  }

  /** An attempt that must be refused at admission. */
  async function expectRefused(s: TestServer): Promise<void> {
    const before = s.sink.details('peer.connected').length;
    const socket = attemptFrom(s.port, ATTACKER_IP);
    sockets.push(socket);
    await closedWithin(socket);
    expect(s.sink.details('peer.connected')).to.have.length(before, 'refused before admission');
  }

  it('repeated idle timeouts: none below the threshold, a penalty at it, refusal, expiry, escalation x2, cap, decay', async () => {
    clock = fakeTimers();
    const logger = new RecordingLogger();
    server = await startTestServer(
      { idleTimeoutMs: SEC },
      {
        logger,
        abuse: {
          penaltyExempt: [],
          blockFastFlapping: false,
          blacklistDurationMs: 10 * SEC,
          idleTimeoutThreshold: 2,
          idleTimeoutWindowMs: 300 * SEC,
          penaltyDecayIntervalMs: 60 * SEC,
        },
      },
    );
    const s = server;

    await idleTimeoutOnce(s, clock);
    expect(s.sink.details('peer.penalty')).to.have.length(0);
    expect(entryOf(s, ATTACKER_IP)).to.deep.include({ penaltyLevel: 0 });
    expect(entryOf(s, ATTACKER_IP)?.windowCounts).to.include({ idle_timeouts: 1 });

    await idleTimeoutOnce(s, clock);
    const first = await s.sink.waitForDetail('peer.penalty');
    expect(first).to.deep.include({
      level: 1,
      blacklistForMs: 10 * SEC,
      reason: 'repeated idle timeouts',
    });
    expect(entryOf(s, ATTACKER_IP)?.windowCounts).to.include({ idle_timeouts: 0 }, 'windows cleared');
    await expectRefused(s);

    // The blacklist expires; the windows were cleared, so one more idle timeout does nothing.
    await clock.tickAsync(10 * SEC);
    await idleTimeoutOnce(s, clock);
    expect(s.sink.details('peer.penalty')).to.have.length(1);
    await idleTimeoutOnce(s, clock);
    const second = await s.sink.waitForDetail('peer.penalty', (e) => e.level === 2);
    expect(second).to.deep.include({ blacklistForMs: 20 * SEC, reason: 'repeated idle timeouts' });

    // Level 3 would be 40 s; the operator caps every penalty at 30 s.
    const handle = createServerRuntimeHandle(s.state);
    expect(handle.set('max_penalty_duration_secs', 30).ok).to.equal(true);
    await clock.tickAsync(20 * SEC);
    await idleTimeoutOnce(s, clock);
    await idleTimeoutOnce(s, clock);
    const third = await s.sink.waitForDetail('peer.penalty', (e) => e.level === 3);
    expect(third.blacklistForMs).to.equal(30 * SEC);
    expect(entryOf(s, ATTACKER_IP)?.blacklistedRemainingSecs).to.equal(30);

    // Decay: one level per 60 s of quiet after the blacklist ends (the periodic sweep applies it).
    await clock.tickAsync(30 * SEC);
    expect(entryOf(s, ATTACKER_IP)?.penaltyLevel).to.equal(3);
    await clock.tickAsync(60 * SEC);
    expect(entryOf(s, ATTACKER_IP)?.penaltyLevel).to.equal(2);
    await clock.tickAsync(120 * SEC);
    expect(entryOf(s, ATTACKER_IP)?.penaltyLevel ?? 0).to.equal(0);

    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.message)).to.deep.equal([
      'penalizing peer 127.0.0.2 for 10s (level 1) due to repeated idle timeouts',
      'penalizing peer 127.0.0.2 for 20s (level 2) due to repeated idle timeouts',
      'penalizing peer 127.0.0.2 for 30s (level 3) due to repeated idle timeouts',
    ]);
  });

  it('idle timeouts that leave the window never add up', async () => {
    clock = fakeTimers();
    server = await startTestServer(
      { idleTimeoutMs: SEC },
      {
        abuse: {
          penaltyExempt: [],
          blockFastFlapping: false,
          blacklistDurationMs: 10 * SEC,
          idleTimeoutThreshold: 2,
          idleTimeoutWindowMs: 30 * SEC,
        },
      },
    );
    for (let i = 0; i < 4; i++) {
      await idleTimeoutOnce(server, clock);
      await clock.tickAsync(31 * SEC);
    }
    expect(server.sink.details('peer.penalty')).to.have.length(0);
  });

  it('repeated write stalls are penalised; a close we cause (operator blacklist) never counts', async () => {
    clock = fakeTimers();
    server = await startTestServer(
      {},
      {
        abuse: {
          penaltyExempt: [],
          blockFastFlapping: false,
          blacklistDurationMs: 120 * SEC,
          writeStallThreshold: 2,
          writeStallWindowMs: 300 * SEC,
          // A silent young close would be a flap at once: proves our own closes are not counted.
          flapThreshold: 1,
          flapWindowMs: 60 * SEC,
        },
      },
    );
    const s = server;
    const stallOnce = async (): Promise<void> => {
      const attacker = await admittedFrom(s, ATTACKER_IP);
      sockets.push(attacker.socket);
      const up = await s.sink.waitFor('InterfaceUp', (e) => e.id === attacker.id);
      // The peer's own stall path (what a full send buffer or an expired stall timer does).
      (up.writer as StreamPeer).disconnect('write_stall');
      await s.sink.waitForDetail(
        'peer.disconnected',
        (e) => e.cause === 'write_stall' && e.peerId === attacker.id,
      );
    };
    // An operator blacklist of 0 s disconnects without counting.
    const victim = await admittedFrom(s, ATTACKER_IP);
    sockets.push(victim.socket);
    s.state.blacklist(ATTACKER_IP, 0, 'test');
    await s.sink.waitForDetail('peer.disconnected', (e) => e.peerId === victim.id);
    expect(entryOf(s, ATTACKER_IP)).to.equal(undefined, 'a local close leaves no behaviour state');
    expect(s.sink.details('peer.penalty')).to.have.length(0);

    await stallOnce();
    expect(s.sink.details('peer.penalty')).to.have.length(0);
    await stallOnce();
    const penalty = await s.sink.waitForDetail('peer.penalty');
    expect(penalty).to.deep.include({
      level: 1,
      blacklistForMs: 120 * SEC,
      reason: 'repeated write stalls',
    });
    expect(entryOf(s, ATTACKER_IP)).to.deep.include({
      penaltyLevel: 1,
      blacklistReason: 'repeated write stalls',
    });
  });

  it('fast flapping as Python blocks it: grace flaps tolerated, the next one blocks for fast_flapping_block_time', async () => {
    clock = fakeTimers();
    server = await startTestServer(
      {},
      {
        abuse: {
          penaltyExempt: [],
          blockFastFlapping: true,
          fastFlappingThresholdMs: 20 * SEC,
          fastFlappingGrace: 2,
          fastFlappingBlockTimeMs: 60 * SEC,
        },
      },
    );
    const s = server;
    const flap = async (): Promise<void> => {
      const attacker = await admittedFrom(s, ATTACKER_IP);
      sockets.push(attacker.socket);
      // It talks, but hangs up within the threshold: Python counts that as a fast flap too.
      attacker.socket.write(Buffer.alloc(4, 0x7e));
      await clock?.tickAsync(5 * SEC);
      attacker.socket.destroy();
      await s.sink.waitForDetail('peer.disconnected', (e) => e.peerId === attacker.id);
    };
    await flap();
    await flap();
    expect(s.sink.details('peer.penalty')).to.have.length(0);
    expect(entryOf(s, ATTACKER_IP)?.windowCounts).to.include({ fast_flaps: 2 });
    await flap();
    const penalty = await s.sink.waitForDetail('peer.penalty');
    expect(penalty).to.deep.include({ level: 1, blacklistForMs: 60 * SEC, reason: 'fast flapping' });
    await expectRefused(s);
    await clock.tickAsync(60 * SEC);
    const back = await admittedFrom(s, ATTACKER_IP);
    sockets.push(back.socket);
  });

  it('applies runtime changes to the detectors immediately and validates penalty_exempt', async () => {
    clock = fakeTimers();
    server = await startTestServer({ idleTimeoutMs: SEC });
    const handle = createServerRuntimeHandle(server.state);
    expect(handle.set('penalty_exempt', '127.0.0.1, 10.0.0.0/300')).to.deep.equal({
      ok: false,
      error: {
        code: 'invalid_value',
        message:
          "backbone.test-backbone.penalty_exempt has an invalid entry: '10.0.0.0/300' is not an IP address or CIDR range",
      },
    });
    expect(handle.set('penalty_exempt', '127.0.0.1').ok).to.equal(true);
    expect(handle.set('blacklist_duration_secs', 5).ok).to.equal(true);
    expect(handle.set('idle_timeout_blacklist_threshold', 1).ok).to.equal(true);
    expect(handle.set('idle_timeout_blacklist_window_secs', 60).ok).to.equal(true);
    await idleTimeoutOnce(server, clock);
    const penalty = await server.sink.waitForDetail('peer.penalty');
    expect(penalty).to.deep.include({ ip: ATTACKER_IP, blacklistForMs: 5 * SEC });
  });
});
