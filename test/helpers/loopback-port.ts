/**
 * Loopback ports for tests, benchmarks and scripts: picking one to write into a config (config
 * ports must be 1..65535, so port 0 will not do there) and probing whether something listens.
 */
import * as net from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago: bound to port 0, read, released. Nothing
 * listens on it afterwards, so a connect to it is refused until something binds it (the client
 * tests rely on that). Another process could take it in between; on a test machine that race
 * is negligible.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a TCP connection to 127.0.0.1:`port` succeeds now (it is closed at once). */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
