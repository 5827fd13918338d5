import { once } from 'node:events';
import net from 'node:net';
import { ControlResponse } from '../../../../src/node/control/control-protocol';

/** A raw connection that sends lines and reads response lines. */
export class RawConnection {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter: (() => void) | undefined;
  closed = false;

  constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.buffer += text;
      let nl;
      while ((nl = this.buffer.indexOf('\n')) !== -1) {
        this.lines.push(this.buffer.slice(0, nl));
        this.buffer = this.buffer.slice(nl + 1);
      }
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => undefined);
  }

  static async open(socketPath: string): Promise<RawConnection> {
    const socket = net.createConnection(socketPath);
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  async next(): Promise<ControlResponse> {
    while (this.lines.length === 0) {
      if (this.closed) throw new Error('closed');
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return JSON.parse(this.lines.shift() as string) as ControlResponse;
  }

  async untilClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => (this.waiter = resolve));
  }
}
