import * as net from 'node:net';
import { Clock, Timer } from '../../core/clock';
import { RnsError } from '../../core/errors';
import { RNS_ERR_CONNECT_TIMEOUT } from '../../core/error-codes';
import { ignoreError } from '../net-constants';

/** Where and how to connect. */
export interface ConnectTarget {
  /** Host name or address of the remote. */
  readonly host: string;
  /** Its TCP port. */
  readonly port: number;
  /** Abort the attempt after this long; 0 leaves it to the OS. */
  readonly timeoutMs: number;
  /** Silence before keepalive probes start on the connected socket, in milliseconds. */
  readonly keepaliveInitialDelayMs: number;
}

/** How a connect attempt ended: a connected socket, or why not. */
export type ConnectOutcome =
  { readonly ok: true; readonly socket: net.Socket } | { readonly ok: false; readonly error: Error };

/** A connect attempt under way. */
export interface ConnectAttempt {
  /**
   * Abandons the attempt: no outcome is reported, the socket is destroyed. Resolves once the
   * socket is closed (at once if the attempt already ended).
   */
  cancel(): Promise<void>;
}

/** The connect attempt took longer than its timeout. */
export class ConnectTimeoutError extends RnsError {
  /** The host the attempt was for. */
  readonly host: string;
  /** The port the attempt was for. */
  readonly port: number;

  constructor(host: string, port: number, timeoutMs: number) {
    super(RNS_ERR_CONNECT_TIMEOUT, `connect timed out after ${timeoutMs / 1000}s`);
    this.host = host;
    this.port = port;
    this.name = 'ConnectTimeoutError';
  }
}

/**
 * Destroys `socket` and resolves once it has emitted `'close'`, so a caller that awaits it
 * leaves no handle behind.
 */
export function closeSocket(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.destroy();
  });
}

/**
 * Opens one TCP connection with TCP_NODELAY and keepalive (after the target's delay). The timeout runs on the
 * injected clock (socket.setTimeout is not driven by fake timers and only measures inactivity),
 * and destroys the socket when it fires.
 *
 * Every way the attempt can end (connected, error, timeout, cancel) goes through one `finish`,
 * which runs once, cancels the timer and detaches the attempt's listeners: the node-redis and
 * libp2p pattern, so a late event from an abandoned socket never reaches the caller.
 *
 * @param target - host, port and timeout.
 * @param clock - drives the timeout.
 * @param onOutcome - called exactly once, unless the attempt is cancelled first.
 */
export function connectWithTimeout(
  target: ConnectTarget,
  clock: Clock,
  onOutcome: (outcome: ConnectOutcome) => void,
): ConnectAttempt {
  const socket = net.connect({ host: target.host, port: target.port });
  let finished = false;
  let handedOver = false;
  let timer: Timer | undefined;

  const onConnect = (): void => finish({ ok: true, socket });
  const onError = (error: Error): void => finish({ ok: false, error });

  function finish(outcome: ConnectOutcome | null): void {
    if (finished) return;
    finished = true;
    timer?.cancel();
    socket.off('connect', onConnect);
    socket.off('error', onError);
    if (outcome === null || !outcome.ok) {
      // A failed or abandoned socket may still report an error while it closes.
      socket.on('error', ignoreError);
      socket.destroy();
    }
    if (outcome?.ok === true) {
      handedOver = true;
      // Set on the connected socket (not as connect options) so the calls are explicit and
      // visible: small frames leave at once, and a dead idle peer is noticed after ~15 s.
      socket.setNoDelay(true);
      socket.setKeepAlive(true, target.keepaliveInitialDelayMs);
    }
    if (outcome !== null) onOutcome(outcome);
  }

  socket.once('connect', onConnect);
  socket.once('error', onError);
  if (target.timeoutMs > 0) {
    timer = clock.setTimeout(
      () => finish({ ok: false, error: new ConnectTimeoutError(target.host, target.port, target.timeoutMs) }),
      target.timeoutMs,
    );
  }

  return {
    cancel(): Promise<void> {
      finish(null);
      // A socket already handed to the caller is the caller's to close.
      return handedOver ? Promise.resolve() : closeSocket(socket);
    },
  };
}
