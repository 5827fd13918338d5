import { expect } from 'chai';
import { AddressInfo, connect, createServer, Socket } from 'node:net';
import { container } from 'tsyringe';
import { systemClock } from '../../../src/core/clock';
import { HostDriver } from '../../../src/core/driver/host-driver';
import { InterfaceEntry } from '../../../src/core/driver/interface-entry';
import { frame, HdlcDecoder } from '../../../src/core/hdlc';
import { InterfaceMode } from '../../../src/core/interface-mode';
import { silentLogger } from '../../../src/core/logger';
import { registerBackbonePlugin } from '../../../src/plugins/backbone';
import { SequentialIdAllocator } from '../../../src/registry/dynamic-id-allocator';
import { launchInterface } from '../../../src/registry/interface-launcher';
import { InterfaceRegistry } from '../../../src/registry/interface-registry';
import { acceptHdlcPeer } from '../../../src/testing/hdlc-socket-peer';
import { freePort } from '../../helpers/loopback-port';
import { closed } from './support/backbone-test-server';

/** Resolves once `condition` holds, checking after each event-loop turn (bounded in time). */
async function until(condition: () => boolean, what: string, limitMs = 3000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A raw loopback peer that records the packets it receives. */
async function rawPeer(port: number): Promise<{ socket: Socket; packets: Buffer[] }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const packets: Buffer[] = [];
  const decoder = new HdlcDecoder();
  socket.on('data', (chunk: Buffer) => decoder.push(chunk, (p) => packets.push(Buffer.from(p))));
  socket.on('error', () => undefined);
  return { socket, packets };
}

describe('BackboneInterface through the registry and the real HostDriver', () => {
  it('relays between server peers and a client, serves runtime config and peer state, stops cleanly', async () => {
    const child = container.createChildContainer();
    registerBackbonePlugin(child);
    const registry = child.resolve(InterfaceRegistry);
    // A shared-medium relay: every packet to every other online interface.
    const driver: HostDriver = new HostDriver({
      packetHandler: {
        handle: (source: InterfaceEntry, packet: Uint8Array) => {
          for (const entry of driver.onlineInterfaces())
            if (entry.id !== source.id) driver.transmit(entry, packet);
        },
      },
    });
    // The remote hub our client section dials: a raw HDLC peer that records what it gets.
    const remoteHub = createServer();
    await new Promise<void>((resolve) => remoteHub.listen(0, '127.0.0.1', resolve));
    const remote = acceptHdlcPeer(remoteHub, 3000);
    const hubPort = await freePort();
    const dynamicIds = new SequentialIdAllocator();
    const launch = (name: string, id: number, params: Record<string, string>) =>
      launchInterface({
        registry,
        driver,
        section: { name, id, typeName: 'BackboneInterface', mode: InterfaceMode.Full, params },
        dynamicIds,
        clock: systemClock,
        logger: silentLogger,
      });
    try {
      await launch('Hub', 1, { listen_ip: '127.0.0.1', port: String(hubPort), idle_timeout: '30' });
      await launch('Uplink', 2, {
        remote: '127.0.0.1',
        port: String((remoteHub.address() as AddressInfo).port),
      });
      const uplinkRemote = await remote;

      const a = await rawPeer(hubPort);
      const b = await rawPeer(hubPort);
      await until(() => driver.onlineInterfaces().length === 3, 'the uplink and two peers online');
      const dynamic = driver.onlineInterfaces().filter((e) => e.dynamic);
      expect(dynamic.map((e) => e.parentId)).to.deep.equal([1, 1]);
      expect(dynamic.every((e) => e.info.name === `BackboneInterface/${e.id}`)).to.equal(true);

      const packet = Buffer.alloc(48, 0x5a);
      a.socket.write(frame(packet));
      await until(() => b.packets.length === 1, 'the packet at b');
      expect(b.packets[0]).to.deep.equal(packet);
      expect(Buffer.from(await uplinkRemote.nextPacket(3000))).to.deep.equal(packet);
      expect(a.packets).to.have.length(0);

      expect(driver.getRuntimeConfig('backbone.Hub.idle_timeout_secs')).to.include({
        value: 30,
        default: 30,
      });
      expect(driver.setRuntimeConfig('backbone.Hub.max_connections', 2).ok).to.equal(true);
      expect(driver.getRuntimeConfig('backbone_client.Uplink.reconnect_wait_secs')?.value).to.equal(5);
      expect(driver.listPeers('Hub')).to.have.length(1);
      expect(driver.listPeers('Hub')[0]).to.include({ ip: '127.0.0.1', connectedCount: 2 });

      // A third connection is over the live cap of 2.
      const refused = await rawPeer(hubPort);
      await closed(refused.socket);

      expect(driver.blacklistPeer('Hub', '127.0.0.1', 60, 'driver test')).to.deep.equal({
        ok: true,
        value: 60,
      });
      await Promise.all([closed(a.socket), closed(b.socket)]);
      await until(() => driver.onlineInterfaces().every((e) => !e.dynamic), 'dynamic interfaces removed');
      expect(driver.listPeers('Hub')[0]).to.include({ connectedCount: 0, blacklistReason: 'driver test' });
      await uplinkRemote.close();
    } finally {
      await driver.stop();
      await new Promise((resolve) => remoteHub.close(resolve));
    }
    expect(driver.onlineInterfaces()).to.deep.equal([]);
  });
});
