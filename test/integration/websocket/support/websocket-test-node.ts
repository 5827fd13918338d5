import { once } from 'node:events';
import { IncomingMessage } from 'node:http';
import path from 'node:path';
import WebSocket, { ClientOptions } from 'ws';
import { BufferBudgets } from '../../../../src/core/buffer-budgets';
import { systemClock } from '../../../../src/core/clock';
import { DEFAULT_INGRESS_CONTROL } from '../../../../src/core/ingress-control';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { silentLogger } from '../../../../src/core/logger';
import { ConfigParams } from '../../../../src/registry/config-params';
import { SequentialIdAllocator } from '../../../../src/registry/dynamic-id-allocator';
import { StartContext, StartedInterface } from '../../../../src/registry/interface-factory';
import { WebSocketInterfaceFactory } from '../../../../src/plugins/websocket/websocket-interface-factory';
import { RecordingEventSink } from '../../../helpers/recording-event-sink';

/** The TLS fixture: a self-signed certificate for localhost and 127.0.0.1, and its key. */
export const TLS_CERT = path.join(__dirname, '../../../fixtures/tls/localhost-cert.pem');
export const TLS_KEY = path.join(__dirname, '../../../fixtures/tls/localhost-key.pem');

/** A WebSocket interface started through its factory, with a recording driver. */
export interface TestInterface {
  readonly started: StartedInterface;
  readonly sink: RecordingEventSink;
  readonly ctx: StartContext;
  /** The bound port of a server. */
  readonly port: number;
  stop(): Promise<void>;
}

/** Parses and starts a `WebSocketInterface` section with `params`. */
export async function startInterface(params: ConfigParams, name = 'Web'): Promise<TestInterface> {
  const factory = new WebSocketInterfaceFactory();
  const sink = new RecordingEventSink();
  const ctx: StartContext = {
    events: sink,
    dynamicIds: new SequentialIdAllocator(),
    mode: InterfaceMode.Full,
    ingressControl: DEFAULT_INGRESS_CONTROL,
    clock: systemClock,
    logger: silentLogger,
    buffers: new BufferBudgets(),
  };
  const started = await factory.start(factory.parseConfig(name, 1, params), ctx);
  return { started, sink, ctx, port: started.boundAddress?.port ?? 0, stop: () => started.stop() };
}

/** Server params on 127.0.0.1, any port, loopback not exempt from penalties, plus `extra`. */
export function serverParams(extra: Record<string, string> = {}): Record<string, string> {
  return { listen_ip: '127.0.0.1', listen_port: '0', penalty_exempt: '192.0.2.1', ...extra };
}

/** How a client's connection attempt ended. */
export type DialOutcome =
  | { readonly kind: 'open'; readonly ws: WebSocket }
  | { readonly kind: 'refused'; readonly status: number }
  | { readonly kind: 'failed'; readonly error: Error };

/** Dials `url`; resolves with the open socket, the HTTP status of a refused handshake, or the error. */
export function dial(url: string, options: ClientOptions = {}): Promise<DialOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    ws.on('unexpected-response', (_request, response: IncomingMessage) => {
      response.resume();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve({ kind: 'refused', status: response.statusCode ?? 0 });
    });
    ws.once('open', () => resolve({ kind: 'open', ws }));
    ws.once('error', (error) => resolve({ kind: 'failed', error }));
  });
}

/** Dials `url` and expects it to open. */
export async function open(url: string, options: ClientOptions = {}): Promise<WebSocket> {
  const outcome = await dial(url, options);
  if (outcome.kind !== 'open') throw new Error(`expected ${url} to open, got ${JSON.stringify(outcome)}`);
  outcome.ws.on('error', () => undefined);
  return outcome.ws;
}

/** Resolves with the close code once `ws` closed. */
export async function closeCode(ws: WebSocket): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) throw new Error('already closed');
  const [code] = (await once(ws, 'close')) as [number];
  return code;
}
