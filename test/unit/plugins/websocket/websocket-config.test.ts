import { expect } from 'chai';
import path from 'node:path';
import { ConfigError } from '../../../../src/core/errors';
import { ConfigParams } from '../../../../src/registry/config-params';
import {
  canonicalOrigin,
  parseWebSocketConfig,
  WebSocketSectionKind,
} from '../../../../src/plugins/websocket/websocket-config-parser';
import {
  MeshChatWebSocketClientFactory,
  MeshChatWebSocketServerFactory,
  WebSocketInterfaceFactory,
} from '../../../../src/plugins/websocket/websocket-interface-factory';
import {
  WebSocketClientConfig,
  WebSocketServerConfig,
} from '../../../../src/plugins/websocket/websocket-config';

const CERT = path.join(__dirname, '../../../fixtures/tls/localhost-cert.pem');
const KEY = path.join(__dirname, '../../../fixtures/tls/localhost-key.pem');

function server(params: ConfigParams, kind: WebSocketSectionKind = 'either'): WebSocketServerConfig {
  const config = parseWebSocketConfig('Web', 1, params, kind);
  expect(config.mode).to.equal('server');
  return config as WebSocketServerConfig;
}

function client(params: ConfigParams, kind: WebSocketSectionKind = 'either'): WebSocketClientConfig {
  const config = parseWebSocketConfig('Web', 1, params, kind);
  expect(config.mode).to.equal('client');
  return config as WebSocketClientConfig;
}

function errorOf(params: ConfigParams, kind: WebSocketSectionKind = 'either'): ConfigError {
  try {
    parseWebSocketConfig('Web', 1, params, kind);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('WebSocketInterface config', () => {
  describe('server sections', () => {
    it('requires listen_ip and listen_port, as MeshChat does; path defaults to /', () => {
      const config = server({ listen_ip: '0.0.0.0', listen_port: '8080' });
      expect(config).to.include({ listenIp: '0.0.0.0', listenPort: 8080, path: '/' });
      expect(config.allowedOrigins).to.equal(null);
      expect(config.tls).to.equal(null);
      expect(errorOf({ listen_port: '8080' })).to.include({ key: 'listen_ip' });
      expect(errorOf({ listen_ip: '127.0.0.1' })).to.include({ key: 'listen_port' });
      expect(errorOf({ listen_ip: '127.0.0.1', listen_port: '70000' })).to.include({ key: 'listen_port' });
      expect(server({ listen_ip: '127.0.0.1', listen_port: '0' }).listenPort).to.equal(0);
    });

    it('reads the stream server limits and abuse keys (max_connections, idle_timeout, per-IP cap)', () => {
      const config = server({
        listen_ip: '127.0.0.1',
        listen_port: '1',
        max_connections: '500',
        idle_timeout: '2.5',
        max_connections_per_ip: '8',
      });
      expect(config.startup).to.include({
        maxConnections: 500,
        idleTimeoutMs: 2500,
        writeStallTimeoutMs: 30_000,
      });
      expect(config.abuse.maxConnectionsPerIp).to.equal(8);
      expect(errorOf({ listen_ip: '127.0.0.1', listen_port: '1', max_connections: '-1' })).to.include({
        key: 'max_connections',
      });
    });

    it('takes an absolute path without query or fragment', () => {
      expect(server({ listen_ip: '127.0.0.1', listen_port: '1', path: '/rns/ws' }).path).to.equal('/rns/ws');
      for (const bad of ['rns', '/a?b', '/a#b', '/a b']) {
        expect(errorOf({ listen_ip: '127.0.0.1', listen_port: '1', path: bad })).to.include({ key: 'path' });
      }
    });

    it('keeps allowed_origins in canonical form and refuses what is no origin', () => {
      const config = server({
        listen_ip: '127.0.0.1',
        listen_port: '1',
        allowed_origins: ['HTTPS://App.Example:443', 'http://127.0.0.1:8080'],
      });
      expect([...(config.allowedOrigins ?? [])]).to.deep.equal([
        'https://app.example',
        'http://127.0.0.1:8080',
      ]);
      for (const bad of ['app.example', 'https://app.example/path', 'https://u@app.example', 'file:///x']) {
        const error = errorOf({ listen_ip: '127.0.0.1', listen_port: '1', allowed_origins: bad });
        expect(error.key).to.equal('allowed_origins');
        expect(error.message).to.contain(bad);
      }
      expect(canonicalOrigin('http://[::1]:80')).to.equal('http://[::1]');
    });

    it('reads tls_cert and tls_key together, and names the key of a missing file', () => {
      const config = server({ listen_ip: '127.0.0.1', listen_port: '1', tls_cert: CERT, tls_key: KEY });
      expect(config.tls?.cert.toString()).to.contain('BEGIN CERTIFICATE');
      expect(errorOf({ listen_ip: '127.0.0.1', listen_port: '1', tls_cert: CERT })).to.include({
        key: 'tls_key',
      });
      expect(errorOf({ listen_ip: '127.0.0.1', listen_port: '1', tls_key: KEY })).to.include({
        key: 'tls_cert',
      });
      const missing = errorOf({
        listen_ip: '127.0.0.1',
        listen_port: '1',
        tls_cert: '/nonexistent.pem',
        tls_key: KEY,
      });
      expect(missing.key).to.equal('tls_cert');
      expect(missing.message).to.contain('/nonexistent.pem');
    });

    it('reports keys it does not know', () => {
      expect(
        server({ listen_ip: '127.0.0.1', listen_port: '1', listen_prot: '2' }).unknownKeys,
      ).to.deep.equal(['listen_prot']);
    });
  });

  describe('client sections', () => {
    it('takes MeshChat target_url (ws:// or wss://)', () => {
      expect(client({ target_url: 'wss://relay.example/rns' }).url).to.equal('wss://relay.example/rns');
      expect(client({ target_url: 'ws://127.0.0.1:8080' }).url).to.equal('ws://127.0.0.1:8080/');
      expect(errorOf({ target_url: 'http://relay.example' })).to.include({ key: 'target_url' });
      expect(errorOf({ target_url: 'not a url' })).to.include({ key: 'target_url' });
    });

    it('builds the URL from target_type, target_host, target_port and path', () => {
      expect(client({ target_host: 'relay.example', target_port: '9000' }).url).to.equal(
        'ws://relay.example:9000/',
      );
      expect(client({ target_host: 'relay.example', target_type: 'wss' }).url).to.equal(
        'wss://relay.example/',
      );
      expect(client({ target_host: 'relay.example', target_type: 'WS' }).url).to.equal('ws://relay.example/');
      expect(client({ target_host: '::1', target_port: '8080', path: '/rns' }).url).to.equal(
        'ws://[::1]:8080/rns',
      );
      expect(errorOf({ target_host: 'relay.example', target_type: 'tcp' })).to.include({
        key: 'target_type',
      });
      expect(errorOf({ target_host: 'relay.example', target_port: '0' })).to.include({ key: 'target_port' });
    });

    it('reads the reconnect keys of a stream client', () => {
      const config = client({
        target_url: 'ws://a',
        reconnect_wait: '2',
        max_reconnect_tries: '3',
        connect_timeout: '4',
      });
      expect(config.startup).to.include({ reconnectWaitMs: 2000, connectTimeoutMs: 4000 });
      expect(errorOf({ target_url: 'ws://a', reconnect_wait: '0.5' })).to.include({ key: 'reconnect_wait' });
    });
  });

  describe('type names', () => {
    it("serves WebSocketInterface and MeshChat's two names, each with an IFAC size of 16", () => {
      const factories = [
        new WebSocketInterfaceFactory(),
        new MeshChatWebSocketServerFactory(),
        new MeshChatWebSocketClientFactory(),
      ];
      expect(factories.map((f) => f.typeName)).to.deep.equal([
        'WebSocketInterface',
        'WebsocketServerInterface',
        'WebsocketClientInterface',
      ]);
      for (const f of factories) expect(f.defaultIfacSize).to.equal(16);
    });

    it("fixes the kind by MeshChat's type name", () => {
      expect(server({ listen_ip: '127.0.0.1', listen_port: '1' }, 'server').mode).to.equal('server');
      // A MeshChat client section needs target_url (or target_host).
      expect(errorOf({ listen_ip: '127.0.0.1', listen_port: '1' }, 'client')).to.include({
        key: 'target_url',
      });
      // A MeshChat server section ignores nothing silently: target_url is an unknown key there.
      expect(
        parseWebSocketConfig(
          'Web',
          1,
          { listen_ip: '127.0.0.1', listen_port: '1', target_url: 'ws://a' },
          'server',
        ).unknownKeys,
      ).to.deep.equal(['target_url']);
    });
  });
});
