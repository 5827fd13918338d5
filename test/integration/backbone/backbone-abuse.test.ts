import { expect } from 'chai';
import { RecordingLogger } from '../../helpers/recording-logger';
import { Socket } from 'node:net';
import { Writer } from '../../../src/core/writer';
import { createServerPeerStateHandle } from '../../../src/net/server/server-peer-state-handle';
import { createServerRuntimeHandle } from '../../../src/net/server/server-runtime-handle';
import {
  admittedFrom,
  ATTACKER_IP,
  attemptFrom,
  closedWithin,
  entryOf,
  sequenced,
  sequenceReceiver,
  writeSequenced,
} from './support/abuse-test-support';
import { startTestServer, TestServer } from './support/backbone-test-server';

const GOOD_IP = '127.0.0.1';
const FRAMES_PER_ROUND = 25;

describe('BackboneInterface server abuse defence (loopback)', () => {
  let server: TestServer | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
    server = undefined;
  });

  it('blacklists a client reconnecting silently in a loop, then refuses it, while a well-behaved peer loses no frame', async () => {
    const logger = new RecordingLogger();
    server = await startTestServer(
      {},
      {
        logger,
        abuse: {
          penaltyExempt: [],
          blacklistDurationMs: 120_000,
          flapThreshold: 3,
          flapWindowMs: 60_000,
          flapMaxConnectionAgeMs: 10_000,
        },
      },
    );
    const good = await server.connectClient();
    const goodUp = await server.sink.waitFor('InterfaceUp');
    const goodWriter = goodUp.writer as Writer;
    const received = sequenceReceiver(good);
    let sent = 0;
    let written = 0;
    const exchange = (): void => {
      writeSequenced(good, sent, sent + FRAMES_PER_ROUND);
      sent += FRAMES_PER_ROUND;
      for (let i = 0; i < FRAMES_PER_ROUND; i++) {
        expect(goodWriter.send(sequenced(written++))).to.equal('accepted');
      }
    };

    // Three silent flaps: connect, say nothing, hang up.
    for (let flap = 1; flap <= 3; flap++) {
      exchange();
      const attacker = await admittedFrom(server, ATTACKER_IP);
      sockets.push(attacker.socket);
      attacker.socket.destroy();
      await server.sink.waitForDetail('peer.disconnected', (e) => e.peerId === attacker.id);
      if (flap < 3) expect(server.sink.details('peer.penalty')).to.have.length(0);
    }
    const penalty = await server.sink.waitForDetail('peer.penalty');
    expect(penalty).to.deep.equal({
      ip: ATTACKER_IP,
      level: 1,
      blacklistForMs: 120_000,
      reason: 'rapid silent reconnect churn',
    });
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((l) => l.message)).to.deep.equal([
      'penalizing peer 127.0.0.2 for 120s (level 1) due to rapid silent reconnect churn',
    ]);

    // The next attempts are refused before admission.
    for (let attempt = 1; attempt <= 2; attempt++) {
      exchange();
      const refused = attemptFrom(server.port, ATTACKER_IP);
      sockets.push(refused);
      await closedWithin(refused);
      expect(entryOf(server, ATTACKER_IP)?.rejectCount).to.equal(attempt);
    }
    expect(server.sink.details('peer.connected')).to.have.length(4, 'good peer + 3 flaps');
    const attackerState = entryOf(server, ATTACKER_IP);
    expect(attackerState).to.deep.include({
      connectedCount: 0,
      rejectCount: 2,
      blacklistReason: 'rapid silent reconnect churn',
      penaltyLevel: 1,
    });
    expect(attackerState?.blacklistedRemainingSecs).to.be.within(110, 120);
    expect(attackerState?.windowCounts).to.include({ silent_flaps: 0, connects: 0 });

    // The well-behaved peer kept its connection and every frame, both ways, in order.
    exchange();
    const goodId = goodUp.id;
    const framesFromGood = (): number =>
      server?.sink.ofType('Frame').filter((f) => f.id === goodId).length ?? 0;
    await server.sink.waitFor('Frame', () => framesFromGood() >= sent);
    const seqsFromGood = server.sink
      .ofType('Frame')
      .filter((f) => f.id === goodId)
      .map((f) => Buffer.from(f.data).readUInt32BE(0));
    expect(seqsFromGood).to.deep.equal([...Array(sent).keys()]);
    await received.waitFor(written);
    expect(received.seqs).to.deep.equal([...Array(written).keys()]);
    expect(sent).to.equal(6 * FRAMES_PER_ROUND);
    expect(server.sink.details('peer.disconnected').filter((e) => e.peerId === goodId)).to.have.length(0);
    expect(entryOf(server, GOOD_IP)).to.deep.include({ connectedCount: 1, penaltyLevel: 0 });
  });

  it('cuts a connect burst from one address at the threshold: threshold-1 admitted, the rest refused', async () => {
    // Configured at runtime on the running server, as an operator under attack would.
    server = await startTestServer({}, { abuse: { penaltyExempt: ['127.0.0.1'] } });
    const handle = createServerRuntimeHandle(server.state);
    expect(handle.set('penalty_exempt', '127.0.0.1').ok).to.equal(true);
    expect(handle.set('blacklist_duration_secs', 120).ok).to.equal(true);
    expect(handle.set('connect_rate_threshold', 5).ok).to.equal(true);
    expect(handle.set('connect_rate_window_secs', 10).ok).to.equal(true);
    const good = await server.connectClient();
    await server.sink.waitFor('InterfaceUp');

    const BURST = 10;
    const THRESHOLD = 5;
    const burst = Array.from({ length: BURST }, () => attemptFrom(server?.port ?? 0, ATTACKER_IP));
    sockets.push(...burst);
    // Every burst connection ends: refused at admission, or disconnected by the penalty.
    await Promise.all(burst.map((s) => closedWithin(s)));
    const admitted = server.sink.details('peer.connected').filter((e) => e.ip === ATTACKER_IP);
    expect(admitted).to.have.length(THRESHOLD - 1);
    await server.sink.waitForDetail(
      'peer.disconnected',
      () => server?.sink.details('peer.disconnected').length === THRESHOLD - 1,
    );
    const penalties = server.sink.details('peer.penalty');
    expect(penalties).to.have.length(1);
    expect(penalties[0]).to.deep.include({
      ip: ATTACKER_IP,
      level: 1,
      blacklistForMs: 120_000,
      reason: 'connection rate exceeded',
    });
    expect(entryOf(server, ATTACKER_IP)).to.deep.include({
      connectedCount: 0,
      rejectCount: BURST - (THRESHOLD - 1),
      penaltyLevel: 1,
      blacklistReason: 'connection rate exceeded',
    });
    // The exempt, well-behaved peer is untouched.
    expect(good.closed).to.equal(false);
    expect(entryOf(server, GOOD_IP)).to.deep.include({ connectedCount: 1, penaltyLevel: 0 });
  });

  it('never penalises exempt addresses (default loopback ranges) automatically', async () => {
    server = await startTestServer(
      {},
      { abuse: { blacklistDurationMs: 120_000, flapThreshold: 2, flapWindowMs: 60_000 } },
    );
    for (let i = 0; i < 4; i++) {
      const attacker = await admittedFrom(server, ATTACKER_IP);
      sockets.push(attacker.socket);
      attacker.socket.destroy();
      await server.sink.waitForDetail('peer.disconnected', (e) => e.peerId === attacker.id);
    }
    expect(server.sink.details('peer.penalty')).to.have.length(0);
    expect(entryOf(server, ATTACKER_IP)).to.equal(undefined);
  });

  it('clear(ip) lifts the penalty blacklist and forgets the behaviour state', async () => {
    server = await startTestServer(
      {},
      {
        abuse: {
          penaltyExempt: [],
          blacklistDurationMs: 60_000,
          connectRateThreshold: 1,
          connectRateWindowMs: 10_000,
        },
      },
    );
    const refused = attemptFrom(server.port, ATTACKER_IP);
    sockets.push(refused);
    await closedWithin(refused);
    expect(entryOf(server, ATTACKER_IP)).to.deep.include({ penaltyLevel: 1, rejectCount: 1 });
    const peers = createServerPeerStateHandle(server.state);
    expect(peers.clear(ATTACKER_IP)).to.equal(true);
    expect(entryOf(server, ATTACKER_IP)).to.equal(undefined);
    expect(peers.clear(ATTACKER_IP)).to.equal(false);
  });
});
