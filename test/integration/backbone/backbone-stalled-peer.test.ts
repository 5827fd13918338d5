import { expect } from 'chai';
import { Socket } from 'node:net';
import { frame, HdlcDecoder } from '../../../src/core/hdlc';
import { InterfaceEvent } from '../../../src/core/events';
import { WriteOutcome, Writer } from '../../../src/core/writer';
import { startTestServer, TestServer } from './support/backbone-test-server';

const FRAMES_PER_PEER = 10_000;
const PAYLOAD_BYTES = 512;

/** Builds frame `seq` of `sender`: a 5-byte header and a fill. */
function payload(sender: number, seq: number): Buffer {
  const data = Buffer.alloc(PAYLOAD_BYTES, sender);
  data.writeUInt8(sender, 0);
  data.writeUInt32BE(seq, 1);
  return data;
}

/** Counts the frames a client receives and checks their order per sender. */
function receiver(socket: Socket): {
  count: () => number;
  outOfOrder: () => number;
  done: (n: number) => Promise<void>;
} {
  const decoder = new HdlcDecoder();
  const nextSeq = new Map<number, number>();
  let count = 0;
  let outOfOrder = 0;
  let waiter: { n: number; resolve: () => void } | null = null;
  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk, (f) => {
      const sender = f.readUInt8(0);
      const seq = f.readUInt32BE(1);
      if (seq !== (nextSeq.get(sender) ?? 0)) outOfOrder++;
      nextSeq.set(sender, seq + 1);
      count++;
    });
    if (waiter !== null && count >= waiter.n) waiter.resolve();
  });
  return {
    count: () => count,
    outOfOrder: () => outOfOrder,
    done: (n) =>
      new Promise<void>((resolve, reject) => {
        if (count >= n) return resolve();
        const timer = setTimeout(() => reject(new Error(`received ${count} of ${n} frames`)), 8000);
        waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      }),
  };
}

describe('BackboneInterface server: one stalled peer among busy ones', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('two peers exchange 10,000 frames each without loss while the non-reading one is disconnected for a write stall', async function () {
    this.timeout(20_000);
    server = await startTestServer({ writeStallTimeoutMs: 200 });
    const s = server;
    // A minimal relay on top of the recording sink: every frame goes to every other peer.
    const writers = new Map<number, Writer>();
    const refusals = new Map<number, WriteOutcome[]>();
    const originalSend = s.sink.send.bind(s.sink);
    s.sink.send = (event: InterfaceEvent): boolean => {
      const ok = originalSend(event);
      if (event.type === 'InterfaceUp' && event.writer !== undefined) writers.set(event.id, event.writer);
      if (event.type === 'InterfaceDown') writers.delete(event.id);
      if (event.type === 'Frame') {
        for (const [id, writer] of writers) {
          if (id === event.id) continue;
          const outcome = writer.send(event.data);
          if (outcome !== 'accepted') refusals.set(id, [...(refusals.get(id) ?? []), outcome]);
        }
      }
      return ok;
    };

    const a = await s.connectClient();
    const b = await s.connectClient();
    const stalled = await s.connectClient();
    stalled.pause();
    await s.sink.waitFor('InterfaceUp', () => s.sink.ofType('InterfaceUp').length === 3);
    const [idA, idB, idStalled] = s.sink.ofType('InterfaceUp').map((e) => e.id);
    const atA = receiver(a);
    const atB = receiver(b);

    for (const [socket, sender] of [
      [a, 1],
      [b, 2],
    ] as const) {
      const frames: Buffer[] = [];
      for (let seq = 0; seq < FRAMES_PER_PEER; seq++) frames.push(frame(payload(sender, seq)));
      // A few large writes, as a busy peer would send.
      for (let i = 0; i < frames.length; i += 500) socket.write(Buffer.concat(frames.slice(i, i + 500)));
    }

    await Promise.all([atA.done(FRAMES_PER_PEER), atB.done(FRAMES_PER_PEER)]);
    const stall = await s.sink.waitForDetail(
      'peer.disconnected',
      (e) => e.cause === 'write_stall' && e.peerId === idStalled,
      8000,
    );
    expect(stall.ip).to.equal('127.0.0.1');
    await s.sink.waitFor('InterfaceDown', (e) => e.id === idStalled);

    expect(atA.count()).to.equal(FRAMES_PER_PEER);
    expect(atB.count()).to.equal(FRAMES_PER_PEER);
    expect(atA.outOfOrder() + atB.outOfOrder()).to.equal(0);
    expect(refusals.get(idA as number)).to.equal(undefined);
    expect(refusals.get(idB as number)).to.equal(undefined);
    expect(s.sink.ofType('InterfaceDown').map((e) => e.id)).to.deep.equal([idStalled]);
    expect(s.sink.closedBy('write_stall')).to.have.length(1);
  });
});
