'use strict';
/**
 * ExampleTcpClientInterface: a minimal third-party interface plugin for rns-net, and the one
 * docs/plugins.md walks through. It dials a TCP server that speaks HDLC-framed Reticulum (an
 * rns-net BackboneInterface, a Python TCPServerInterface or BackboneInterface), reports itself up
 * while connected, and reconnects after `reconnect_wait` seconds when the connection is lost.
 *
 * Install: copy this file into the config directory's `interfaces/` folder (the file is named
 * after the type it serves) and add a section:
 *
 *   [[Uplink]]
 *     type = ExampleTcpClientInterface
 *     enabled = yes
 *     target_host = 127.0.0.1
 *     target_port = 4242
 *     reconnect_wait = 5
 *
 * It exports a function of the running node's API (`rns`, what `require('rns-net')` gives), so
 * it needs no copy of rns-net of its own, and uses nothing but that API and Node's own modules.
 */
const net = require('node:net');

/** The config `type` this plugin serves; the file carries the same name. */
const TYPE_NAME = 'ExampleTcpClientInterface';

/** The largest packet carried, in bytes: what a link over this interface may negotiate up to. */
const HW_MTU = 262_144;

/** A link speed estimate for transport's timing, in bits per second. */
const BITRATE = 10_000_000;

/** Bytes queued in the socket beyond which writes are refused with `buffer_full`. */
const SEND_BUFFER_LIMIT = 1_048_576;

/** @param {typeof import('rns-net')} rns - the running node's API. */
module.exports = (rns) => ({
  typeName: TYPE_NAME,
  apiVersion: rns.INTERFACE_API_VERSION,

  /** Reads the section; every bad value is a ConfigError naming section and key. */
  parseConfig(name, id, params) {
    const reader = new rns.ConfigParamReader(name, params);
    const host = reader.string('target_host')?.trim();
    if (host === undefined || host === '') throw reader.error('target_host', 'required: the host to dial');
    const port = reader.port('target_port');
    if (port === undefined) throw reader.error('target_port', 'required: the TCP port to dial');
    const reconnectWait = reader.seconds('reconnect_wait', 0.1) ?? 5;
    return { name, id, host, port, reconnectWaitMs: reconnectWait * 1000 };
  },

  async start(config, ctx) {
    return startClient(rns, config, ctx);
  },
});

/** Dials at once and keeps dialling until stopped; what it returns owns all of its state. */
function startClient(rns, config, ctx) {
  const { id } = config;
  const { events, clock, logger } = ctx;
  const info = rns.makeInterfaceInfo({
    id,
    name: config.name,
    mode: ctx.mode,
    ingressControl: ctx.ingressControl,
    mtu: HW_MTU,
    bitrate: BITRATE,
  });
  // Decoder stats are never reset, so they count drops over every connection since start.
  const decoder = new rns.HdlcDecoder({ hwMtu: HW_MTU });
  let socket; // the current connection, while there is one
  let online = false;
  let stopped = false;
  let retry; // the reconnect timer, while one is armed
  let stopping;

  /** Sends an event; a sink that refuses it means the driver is gone, so the interface stops. */
  const emit = (event) => {
    if (!stopped && !events.send(event)) void stop();
  };

  const connect = () => {
    retry = undefined;
    if (stopped) return;
    decoder.reset();
    const s = net.connect({ host: config.host, port: config.port });
    socket = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      online = true;
      logger.info('connected', { target: `${config.host}:${config.port}` });
      emit({ type: 'InterfaceUp', id });
    });
    s.on('data', (chunk) =>
      decoder.push(chunk, (data) => {
        if (!stopped) emit({ type: 'Frame', id, data });
      }),
    );
    s.on('error', (err) => logger.debug('connection error', { error: err.message }));
    s.on('close', () => {
      const wasOnline = online;
      online = false;
      socket = undefined;
      if (stopped) return;
      if (wasOnline) emit({ type: 'InterfaceDown', id });
      if (!stopped) retry = clock.setTimeout(connect, config.reconnectWaitMs);
    });
  };

  /** Idempotent; resolves once the socket is closed and no timer is left. */
  const stop = () => {
    stopping ??= new Promise((resolve) => {
      stopped = true;
      online = false;
      retry?.cancel();
      retry = undefined;
      if (socket === undefined) return resolve();
      socket.once('close', () => resolve());
      socket.destroy();
    });
    return stopping;
  };

  const writer = {
    send(packet) {
      if (!online || socket === undefined) return 'offline';
      if (socket.writableLength > SEND_BUFFER_LIMIT) return 'buffer_full';
      socket.write(rns.frame(packet));
      return 'accepted';
    },
  };

  connect();
  return {
    kind: 'single',
    id,
    info,
    writer,
    stop,
    drops: () => ({
      short: decoder.stats.droppedShort,
      oversize: decoder.stats.droppedOversize,
      overflow: decoder.stats.overflows,
    }),
  };
}
