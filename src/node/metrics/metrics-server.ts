import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger, silentLogger } from '../../core/logger';

/** The path served. */
export const METRICS_PATH = '/metrics';

/** The bounds of the endpoint; a scraper needs one connection, a few at most. */
export interface MetricsServerLimits {
  /** Connections at once; more are closed as they arrive. */
  readonly maxConnections: number;
  /** Time for a client to send its request headers, ms. */
  readonly headersTimeoutMs: number;
  /** Time for a whole request, ms. */
  readonly requestTimeoutMs: number;
  /** Time a connection may sit idle (keep-alive included), ms. */
  readonly idleTimeoutMs: number;
  /** Largest request head, bytes. */
  readonly maxHeaderBytes: number;
}

/** The limits a node uses. */
export const DEFAULT_METRICS_LIMITS: MetricsServerLimits = Object.freeze({
  maxConnections: 8,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 15_000,
  maxHeaderBytes: 8 * 1024,
});

/** Produces the page: its text and Content-Type. */
export interface MetricsPage {
  readonly contentType: string;
  render(): Promise<string>;
}

/** Options of {@link MetricsServer.listen}. */
export interface MetricsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly limits?: Partial<MetricsServerLimits>;
  /** Where failed scrapes are logged. */
  readonly logger?: Logger;
}

/**
 * The HTTP endpoint of the metrics: `GET /metrics` and nothing else (404 for other paths, 405 for
 * other methods), bounded in connections, header size and time. It answers 503 until
 * {@link serve} gives it the page (the node binds it before its interfaces start, so a port in
 * use stops the node early). {@link close} ends every connection; it is idempotent.
 */
export class MetricsServer {
  private page: MetricsPage | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: http.Server,
    private readonly logger: Logger,
  ) {
    server.on('request', (req, res) => this.handle(req, res));
  }

  /**
   * Binds `host:port`. Rejects with the listen error (its `code`, such as `EADDRINUSE`, tells
   * why) and leaves nothing open.
   */
  static listen(options: MetricsServerOptions): Promise<MetricsServer> {
    const limits = { ...DEFAULT_METRICS_LIMITS, ...options.limits };
    const server = http.createServer({
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.idleTimeoutMs,
      // How often the header and request deadlines are checked (Node's default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    });
    server.maxConnections = limits.maxConnections;
    server.timeout = limits.idleTimeoutMs;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        server.close();
        reject(err);
      };
      server.once('error', onError);
      server.listen({ host: options.host, port: options.port }, () => {
        server.off('error', onError);
        server.on('error', (err) =>
          (options.logger ?? silentLogger).error('metrics endpoint error', { error: err.message }),
        );
        resolve(new MetricsServer(server, options.logger ?? silentLogger));
      });
    });
  }

  /** The bound address. */
  get address(): { readonly host: string; readonly port: number } {
    const address = this.server.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  /** Starts answering scrapes with `page`. */
  serve(page: MetricsPage): void {
    this.page = page;
  }

  /** Stops listening and ends every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== METRICS_PATH) return reply(res, 404, 'not found: the metrics are at /metrics\n');
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return reply(res, 405, 'method not allowed: use GET\n');
    }
    const page = this.page;
    if (page === undefined || this.closing !== undefined) return reply(res, 503, 'the node is not running\n');
    page.render().then(
      (text) => reply(res, 200, text, page.contentType),
      (err: unknown) => {
        this.logger.error('metrics scrape failed', {
          error: err instanceof Error ? err.message : String(err),
        });
        reply(res, 500, 'metrics could not be read; see the node log\n');
      },
    );
  }
}

function reply(
  res: http.ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
