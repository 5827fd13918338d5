import { createSocket, Socket } from 'node:dgram';
import { HEADER_MINSIZE } from '../../core/constants';
import { makeInterfaceInfo } from '../../core/interface-info';
import { WriteOutcome, Writer } from '../../core/writer';
import { StartContext, StartedSingleInterface } from '../../registry/interface-factory';
import { UdpConfig } from './udp-config';
import { UDP_BITRATE, UDP_HW_MTU, UDP_MAX_DATAGRAM, UDP_MAX_QUEUED_DATAGRAMS } from './udp-constants';

/**
 * Starts a UDP interface: a socket bound to the listen address, when there is one, delivers each
 * datagram as one packet; packets written leave as one datagram each to the forward address
 * (broadcast allowed), from a second, unbound socket, as Python sends them. Resolves once bound,
 * online at once (`InterfaceUp`); rejects when the address cannot be bound.
 *
 * HW_MTU is Python's 1064 bytes: what transport sizes packets for. Received datagrams longer than
 * {@link UDP_MAX_DATAGRAM} or too short to hold a packet are dropped and counted
 * (`rx_datagram_oversize`, `rx_datagram_short`). A packet is refused with `buffer_full` while the
 * socket holds {@link UDP_MAX_QUEUED_DATAGRAMS} unsent, with `offline` when no forward address is
 * configured; a failed send is counted (`tx_error`).
 */
export async function startUdpInterface(
  config: UdpConfig,
  ctx: StartContext,
): Promise<StartedSingleInterface> {
  const udp = new UdpInterface(config, ctx);
  await udp.open();
  return {
    kind: 'single',
    id: config.id,
    info: makeInterfaceInfo({
      id: config.id,
      name: config.name,
      mode: ctx.mode,
      ingressControl: ctx.ingressControl,
      bitrate: UDP_BITRATE,
      mtu: UDP_HW_MTU,
      inCapable: config.listen !== null,
      outCapable: config.forward !== null,
      started: ctx.clock.now() / 1000,
    }),
    writer: udp.writer,
    ...(udp.bound !== null ? { boundAddress: udp.bound } : {}),
    stop: () => udp.stop(),
    drops: () => udp.drops(),
  };
}

/** Closes a socket and resolves once it has closed. */
function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      // Already closed.
      resolve();
    }
  });
}

class UdpInterface {
  readonly writer: Writer = { send: (packet) => this.send(packet) };
  bound: { readonly host: string; readonly port: number } | null = null;

  private receiver: Socket | null = null;
  private sender: Socket | null = null;
  private stopping: Promise<void> | null = null;
  private readonly counts = { rxOversize: 0, rxShort: 0, txError: 0 };

  constructor(
    private readonly config: UdpConfig,
    private readonly ctx: StartContext,
  ) {}

  async open(): Promise<void> {
    const { listen, forward } = this.config;
    try {
      if (listen !== null) {
        const receiver = createSocket({ type: 'udp4' });
        this.receiver = receiver;
        await new Promise<void>((resolve, reject) => {
          receiver.once('error', reject);
          receiver.bind({ address: listen.ip, port: listen.port }, () => {
            receiver.off('error', reject);
            resolve();
          });
        });
        receiver.on('error', this.onSocketError);
        receiver.on('message', this.onMessage);
        const address = receiver.address();
        this.bound = { host: address.address, port: address.port };
      }
      if (forward !== null) {
        const sender = createSocket({ type: 'udp4' });
        this.sender = sender;
        await new Promise<void>((resolve, reject) => {
          sender.once('error', reject);
          sender.bind({ port: 0 }, () => {
            sender.off('error', reject);
            resolve();
          });
        });
        sender.setBroadcast(true);
        sender.on('error', this.onSocketError);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.ctx.logger.info('udp interface open', {
      listen: this.bound === null ? null : `${this.bound.host}:${this.bound.port}`,
      forward: forward === null ? null : `${forward.ip}:${forward.port}`,
    });
    this.emitUp();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const sockets = [this.receiver, this.sender].filter((s): s is Socket => s !== null);
      this.receiver = null;
      this.sender = null;
      await Promise.all(sockets.map(closeSocket));
    })();
    return this.stopping;
  }

  /** Datagrams dropped on the way in and packets not sent, by reason. */
  drops(): Record<string, number> {
    return {
      rx_datagram_oversize: this.counts.rxOversize,
      rx_datagram_short: this.counts.rxShort,
      tx_error: this.counts.txError,
    };
  }

  private emitUp(): void {
    if (!this.ctx.events.send({ type: 'InterfaceUp', id: this.config.id, writer: this.writer }))
      void this.stop();
  }

  private send(packet: Uint8Array): WriteOutcome {
    const sender = this.sender;
    const forward = this.config.forward;
    if (sender === null || forward === null) return 'offline';
    if (sender.getSendQueueCount() >= UDP_MAX_QUEUED_DATAGRAMS) return 'buffer_full';
    sender.send(packet, forward.port, forward.ip, this.onSent);
    return 'accepted';
  }

  private readonly onSent = (error: Error | null): void => {
    if (error === null) return;
    this.counts.txError++;
    this.ctx.logger.debug('udp send failed', { error: error.message });
  };

  private readonly onMessage = (datagram: Buffer): void => {
    if (this.stopping !== null) return;
    if (datagram.length > UDP_MAX_DATAGRAM) {
      this.counts.rxOversize++;
      return;
    }
    if (datagram.length <= HEADER_MINSIZE) {
      this.counts.rxShort++;
      return;
    }
    if (!this.ctx.events.send({ type: 'Frame', id: this.config.id, data: datagram })) void this.stop();
  };

  private readonly onSocketError = (error: Error): void => {
    this.ctx.logger.warn('udp socket error', { error: error.message });
  };
}
