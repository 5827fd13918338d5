import { createSocket, Socket } from 'node:dgram';
import { UdpConfig } from '../../src/plugins/udp/udp-config';
import { UdpInterfaceFactory } from '../../src/plugins/udp/udp-interface-factory';
import {
  ComplianceFixture,
  CompliancePeer,
  ComplianceTarget,
  interfacePluginCompliance,
  PacketInbox,
} from '../../src/testing';

/** A UDP socket on 127.0.0.1 (any free port) that the interface under test sends to. */
function bindPeerSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** The remote side: sends datagrams to the interface's bound address, queues what it receives. */
function udpPeer(socket: Socket, target: ComplianceTarget<UdpConfig>): CompliancePeer {
  const bound = target.started.boundAddress;
  if (bound === undefined) throw new Error('the interface reported no bound address');
  const inbox = new PacketInbox('datagram');
  socket.on('message', (datagram: Buffer) => inbox.deliver(datagram));
  let closing: Promise<void> | undefined;
  return {
    send: (packet) =>
      new Promise<void>((resolve, reject) =>
        socket.send(packet, bound.port, bound.host, (err) => (err ? reject(err) : resolve())),
      ),
    nextPacket: (timeoutMs) => inbox.next(timeoutMs),
    close: () => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve()))),
  };
}

const peerSockets = new WeakMap<ComplianceFixture<UdpConfig>, Socket>();

interfacePluginCompliance<UdpConfig>(
  'UDPInterface',
  async () => {
    const socket = await bindPeerSocket();
    const fixture: ComplianceFixture<UdpConfig> = {
      factory: new UdpInterfaceFactory(),
      sectionName: 'UDP Link',
      id: 4,
      params: {
        listen_ip: '127.0.0.1',
        listen_port: '0',
        forward_ip: '127.0.0.1',
        forward_port: String(socket.address().port),
      },
      badParam: { key: 'forward_ip', value: '::1' },
      connectPeer: (target) => Promise.resolve(udpPeer(socket, target)),
      // No flow control: what overflows the receiving socket's buffer is lost, as for Python.
      burst: 32,
    };
    peerSockets.set(fixture, socket);
    return fixture;
  },
  async (fixture) => {
    const socket = peerSockets.get(fixture);
    await new Promise<void>((resolve) => {
      try {
        socket?.close(() => resolve());
      } catch {
        resolve();
      }
      if (socket === undefined) resolve();
    });
  },
);
