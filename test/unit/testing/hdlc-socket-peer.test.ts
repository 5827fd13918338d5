import { expect } from 'chai';
import sinon from 'sinon';
import { randomBytes } from 'node:crypto';
import { AddressInfo, createServer } from 'node:net';
import { acceptHdlcPeer, dialHdlcPeer } from '../../../src/testing/hdlc-socket-peer';

describe('compliance HDLC socket peers', () => {
  it('carry packets both ways over loopback, framed and deframed, and close', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const accepted = acceptHdlcPeer(server, 2000);
      const dialled = await dialHdlcPeer('127.0.0.1', port);
      const other = await accepted;
      // Escapes on purpose: 0x7e and 0x7d inside the packet.
      const packet = Buffer.concat([randomBytes(30), Buffer.from([0x7e, 0x7d, 0x7e]), randomBytes(30)]);
      await dialled.send(packet);
      expect(Buffer.from(await other.nextPacket(2000)).equals(packet)).to.equal(true);
      await other.send(packet);
      await other.send(packet.subarray(1));
      expect(Buffer.from(await dialled.nextPacket(2000)).equals(packet)).to.equal(true);
      expect(Buffer.from(await dialled.nextPacket(2000)).equals(packet.subarray(1))).to.equal(true);
      await dialled.close();
      await other.close();
      await dialled.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reject when nothing arrives in time', async () => {
    const server = createServer();
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const waiting = acceptHdlcPeer(server, 500).catch((e: unknown) => e);
      await clock.tickAsync(500);
      expect(((await waiting) as Error).message).to.match(/no connection within 500 ms/);
    } finally {
      clock.restore();
    }
  });
});
