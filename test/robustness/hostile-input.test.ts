import { expect } from 'chai';
import { HW_MTU } from '../../src/core/constants';
import { frame } from '../../src/core/hdlc';
import { AttackFixture, PROBE_SENDER } from './support/attack-harness';
import { goodPacket, until } from './support/good-peer';
import {
  churn,
  closeSocket,
  connectHostile,
  connectNeverReader,
  DECODER_BOUND,
  escapedOversizedFrame,
  foreignFrames,
  halfFrame,
  oversizedFrame,
  randomGarbage,
  SeededRandom,
  sendAndClose,
  tinyFrames,
  unterminatedFrame,
  writeAll,
} from './support/hostile-clients';

const MiB = 1024 * 1024;

/** Probe packets sent by attackers after their garbage: they must get through (resync). */
let probeSeq = 0;
function probe(): Buffer {
  return frame(goodPacket(PROBE_SENDER, probeSeq++));
}

describe('robustness: hostile input against a hub while two good peers exchange packets', function () {
  this.timeout(20_000);
  let fixture: AttackFixture | undefined;

  beforeEach(async () => {
    probeSeq = 0;
    fixture = await AttackFixture.start({ writeStallTimeoutSecs: 1 });
  });

  afterEach(async () => {
    await fixture?.stop();
    fixture = undefined;
  });

  it('survives several MB of random bytes, with and without FLAG bytes', async () => {
    const f = fixture as AttackFixture;
    const rng = new SeededRandom(0x5eed0001);
    f.beginAttack();
    await Promise.all([
      sendAndClose(f.hub.port, randomGarbage(rng, 3 * MiB, true)),
      sendAndClose(f.hub.port, randomGarbage(rng, 3 * MiB, false)),
      sendAndClose(f.hub.port, Buffer.concat([randomGarbage(rng, 2 * MiB, true), probe()])),
    ]);
    await until(() => f.a.receivedFrom(PROBE_SENDER) === 1, 'the probe after the garbage at A').catch((e) => {
      console.log(
        f.hub.peerEvents.map((e) => e.name),
        f.a.unexpectedClose,
        f.b.unexpectedClose,
        f.a.foreign,
        f.hub.relay.counters,
      );
      throw e;
    });
    await f.endAttack();
    // Random frames that passed the decoder were relayed like any packet.
    expect(f.a.foreign).to.be.greaterThan(1000);
    await f.checkRecovered();
  });

  it('bounds unterminated and oversized frames at 2 x HW_MTU and resyncs after them', async () => {
    const f = fixture as AttackFixture;
    const rng = new SeededRandom(0x5eed0002);
    f.beginAttack();
    // An unterminated frame just under the bound, held open: the decoder must keep it all.
    const holder = await connectHostile(f.hub.port);
    await writeAll(holder, unterminatedFrame(rng, DECODER_BOUND - 1000));
    await until(() => f.hub.maxDecoderBytes() === DECODER_BOUND - 1000, 'the held partial frame buffered');
    await Promise.all([
      // Past the bound: discarded (overflow), then the probe's FLAG resyncs the stream.
      sendAndClose(f.hub.port, Buffer.concat([unterminatedFrame(rng, DECODER_BOUND + 1 * MiB), probe()])),
      // Complete frames over HW_MTU, plain and all escapes: dropped whole.
      sendAndClose(
        f.hub.port,
        Buffer.concat([oversizedFrame(HW_MTU + 1), escapedOversizedFrame(HW_MTU + 1), probe()]),
      ),
      sendAndClose(f.hub.port, Buffer.concat([oversizedFrame(DECODER_BOUND + 10), probe()])),
    ]);
    await until(() => f.a.receivedFrom(PROBE_SENDER) === 3, 'the three probes at A');
    expect(f.hub.maxDecoderBytes()).to.equal(DECODER_BOUND - 1000);
    await closeSocket(holder);
    await f.endAttack();
    expect(f.maxDecoderBytes).to.be.at.least(DECODER_BOUND - 1000);
    // Nothing oversized reached a good peer: only good packets and probes did.
    expect(f.a.foreign + f.b.foreign).to.equal(0);
    await f.checkRecovered();
  });

  it('holds half frames followed by silence without harm, and frees them on close', async () => {
    const f = fixture as AttackFixture;
    const rng = new SeededRandom(0x5eed0003);
    f.beginAttack();
    const halves = Array.from({ length: 60 }, () => halfFrame(rng, rng.int(40, 1500)));
    const sockets = await Promise.all(halves.map(() => connectHostile(f.hub.port)));
    sockets.forEach((socket, i) => socket.write(halves[i]));
    // The opening FLAG starts the frame; every later byte is held until the frame completes.
    const expected = halves.reduce((sum, half) => sum + half.length - 1, 0);
    await until(
      () => f.hub.snapshot().decoderBytes === expected,
      `${expected} bytes of half frames buffered`,
    );
    // While they stay silent the good peers keep going; a burst proves delivery meanwhile.
    f.a.sendBurst(100);
    await f.b.waitForAllFrom(f.a);
    expect(f.hub.snapshot().decoderBytes).to.equal(expected);
    await Promise.all(sockets.map((socket) => closeSocket(socket)));
    await f.endAttack();
    expect(f.a.foreign + f.b.foreign).to.equal(0);
    await f.checkRecovered();
  });

  it('drops thousands of tiny frames without relaying any of them', async () => {
    const f = fixture as AttackFixture;
    const rng = new SeededRandom(0x5eed0004);
    const receivedBefore = f.hub.relay.counters.received;
    const sentBefore = f.a.sent + f.b.sent;
    f.beginAttack();
    await Promise.all(
      Array.from({ length: 5 }, () =>
        sendAndClose(f.hub.port, Buffer.concat([tinyFrames(rng, 6000), probe()])),
      ),
    );
    await until(() => f.a.receivedFrom(PROBE_SENDER) === 5, 'the five probes at A');
    await f.endAttack();
    // The relay saw exactly the good packets and the probes: not one tiny frame.
    const relayed = f.hub.relay.counters.received - receivedBefore;
    expect(relayed).to.equal(f.a.sent + f.b.sent - sentBefore + 5);
    expect(f.hub.relay.counters.malformed).to.equal(0);
    await f.checkRecovered();
  });

  it('disconnects a peer that never reads for a write stall; the others lose nothing', async () => {
    const f = fixture as AttackFixture;
    const rng = new SeededRandom(0x5eed0005);
    const idsBefore = new Set(f.hub.peerEntries().map((e) => e.id));
    const stalled = await connectNeverReader(f.hub.port);
    await until(() => f.hub.snapshot().peers === 3, 'the non-reading peer online');
    const stalledId = f.hub.peerEntries().find((e) => !idsBefore.has(e.id))?.id;
    f.beginAttack();
    // A flooder sends 6 MB of valid foreign packets, which the hub relays to everyone.
    const floodCount = 15_000;
    await sendAndClose(f.hub.port, foreignFrames(rng, floodCount, 400));
    await until(
      () => f.hub.closedBy('write_stall').some((d) => d.peerId === stalledId),
      'a write stall of the non-reading peer',
    );
    // A paused socket never reads the hub's FIN; the hub's side is what counts.
    await until(() => f.hub.driver.entry(stalledId as number) === undefined, 'the non-reading peer removed');
    stalled.destroy();
    await until(() => f.a.foreign === floodCount && f.b.foreign === floodCount, 'the whole flood at A and B');
    await f.endAttack();
    expect(f.hub.closedBy('write_stall').map((d) => d.peerId)).to.deep.equal([stalledId]);
    await f.checkRecovered();
  });

  it('survives connect/disconnect churn, some connections sending garbage', async () => {
    const f = fixture as AttackFixture;
    const rng = new SeededRandom(0x5eed0006);
    const connectedBefore = f.hub.details('peer.connected').length;
    f.beginAttack();
    const result = await churn(f.hub.port, rng, 400, 25);
    expect(result.withGarbage).to.be.greaterThan(100);
    expect(result.reset).to.be.greaterThan(50);
    await until(() => f.hub.snapshot().peers === 2, 'every churned connection gone');
    await f.endAttack();
    const connected = f.hub.details('peer.connected').length;
    const disconnected = f.hub.details('peer.disconnected').length;
    // A connection reset before the server accepted it is never admitted; every admitted one
    // was closed and reported exactly once.
    expect(connected - connectedBefore).to.be.within(200, 400);
    expect(disconnected).to.equal(connected - connectedBefore);
    await f.checkRecovered();
  });

  it('survives every attack at once', async () => {
    const f = fixture as AttackFixture;
    const rng = new SeededRandom(0x5eed0007);
    const idsBefore = new Set(f.hub.peerEntries().map((e) => e.id));
    const stalled = await connectNeverReader(f.hub.port);
    await until(() => f.hub.snapshot().peers === 3, 'the non-reading peer online');
    const stalledId = f.hub.peerEntries().find((e) => !idsBefore.has(e.id))?.id;
    f.beginAttack();
    const halves = await Promise.all(Array.from({ length: 20 }, () => connectHostile(f.hub.port)));
    halves.forEach((socket) => socket.write(halfFrame(rng, 600)));
    await Promise.all([
      sendAndClose(f.hub.port, Buffer.concat([randomGarbage(rng, 2 * MiB, true), probe()])),
      sendAndClose(f.hub.port, randomGarbage(rng, 2 * MiB, false)),
      sendAndClose(f.hub.port, Buffer.concat([unterminatedFrame(rng, DECODER_BOUND + 4096), probe()])),
      sendAndClose(f.hub.port, Buffer.concat([oversizedFrame(HW_MTU + 1), probe()])),
      sendAndClose(f.hub.port, Buffer.concat([tinyFrames(rng, 5000), probe()])),
      sendAndClose(f.hub.port, foreignFrames(rng, 8000, 400)),
      churn(f.hub.port, rng, 200, 20),
    ]);
    await until(() => f.a.receivedFrom(PROBE_SENDER) === 4, 'the four probes at A');
    await until(
      () => f.hub.closedBy('write_stall').some((d) => d.peerId === stalledId),
      'a write stall of the non-reading peer',
    );
    await Promise.all(halves.map((socket) => closeSocket(socket)));
    await until(() => f.hub.driver.entry(stalledId as number) === undefined, 'the non-reading peer removed');
    stalled.destroy();
    await f.endAttack();
    await f.checkRecovered();
  });
});
