import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listAllPeers } from '../../../src/cli/commands/list-peers';
import { HostDriver } from '../../../src/core/driver/host-driver';
import { DEFAULT_PEER_PAGE_SIZE, PeerPageRequest } from '../../../src/core/driver/peer-state-service';
import { compareIp } from '../../../src/core/ip-address';
import { silentLogger } from '../../../src/core/logger';
import { PeerStatePage } from '../../../src/core/peer-state';
import { RuntimeConfigResult, runtimeConfigError } from '../../../src/core/runtime-config';
import { ControlClient } from '../../../src/node/control/control-client';
import { ControlServer } from '../../../src/node/control/control-server';
import { ControlTarget } from '../../../src/node/control/control-target';
import { DEFAULT_ABUSE_SETTINGS } from '../../../src/net/abuse/abuse-settings';
import { StreamServerState } from '../../../src/net/server/server-state';
import { createServerPeerStateHandle } from '../../../src/net/server/server-peer-state-handle';
import { BACKBONE_SERVER_LINK } from '../../../src/plugins/backbone/backbone-constants';

const IPS = 3000;
const ipOf = (i: number): string =>
  i % 2 === 0 ? `10.9.${i >> 8}.${i & 255}` : `2001:db8::${i.toString(16)}`;

describe('peer listing over the control socket (driver -> PeerStateService -> control server -> CLI)', () => {
  let dir: string;
  let server: ControlServer | undefined;
  let client: ControlClient | undefined;
  let driver: HostDriver;
  let state: StreamServerState;
  const pages: Array<{ request: PeerPageRequest; size: number }> = [];
  /** Runs after each page is served: the tables change while a listing is under way. */
  let betweenPages: (page: number) => void = () => undefined;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-peers-'));
    state = new StreamServerState({
      link: BACKBONE_SERVER_LINK,
      name: 'Public',
      id: 1,
      listenIp: '127.0.0.1',
      listenPort: 4242,
      startup: { maxConnections: 0, idleTimeoutMs: 0, writeStallTimeoutMs: 0, maxPenaltyDurationMs: 0 },
      abuse: {
        ...DEFAULT_ABUSE_SETTINGS,
        penaltyExempt: [],
        blacklistDurationMs: 60_000,
        connectRateThreshold: 100,
        connectRateWindowMs: 60_000,
      },
    });
    for (let i = 0; i < IPS; i++) {
      state.tracker.recordConnectAttempt(ipOf(i));
      if (i % 3 === 0) state.monitor.blacklist(ipOf(i), 600_000, 'listed');
    }
    driver = new HostDriver({ logger: silentLogger });
    driver.attach({
      id: 1,
      name: 'Public',
      typeName: 'BackboneInterface',
      kind: 'listener',
      stop: async () => undefined,
      peerState: createServerPeerStateHandle(state),
    });
    pages.length = 0;
    betweenPages = () => undefined;
    const refuse = (): never => {
      throw new Error('not used');
    };
    const target: ControlTarget = {
      listPeers: (request: PeerPageRequest): RuntimeConfigResult<PeerStatePage> => {
        const result = driver.listPeerPage(request);
        if (result.ok) pages.push({ request, size: result.value.peers.length });
        betweenPages(pages.length);
        return result;
      },
      status: refuse,
      blacklistPeer: () => runtimeConfigError('unsupported', 'not used'),
      clearPeer: () => runtimeConfigError('unsupported', 'not used'),
      listPaths: () => runtimeConfigError('unsupported', 'not used'),
      dropPath: () => runtimeConfigError('unsupported', 'not used'),
      listRuntimeConfig: refuse,
      getRuntimeConfig: refuse,
      setRuntimeConfig: () => runtimeConfigError('unsupported', 'not used'),
      resetRuntimeConfig: () => runtimeConfigError('unsupported', 'not used'),
    };
    server = await ControlServer.open({ socketPath: path.join(dir, 'control.sock'), configDir: dir, target });
    client = await ControlClient.connect(path.join(dir, 'control.sock'));
  });

  afterEach(async () => {
    client?.close();
    await server?.close();
    await driver.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists every IP once, sorted, in pages of at most the default size', async () => {
    const peers = await listAllPeers(client as ControlClient);
    expect(peers).to.have.length(IPS);
    const ips = peers.map((p) => p.ip);
    expect(ips).to.deep.equal([...ips].sort(compareIp));
    expect(new Set(ips).size).to.equal(IPS);
    expect(peers.find((p) => p.ip === ipOf(3))).to.deep.include({
      blacklistReason: 'listed',
      penaltyLevel: 0,
    });
    expect(pages.length).to.equal(Math.ceil(IPS / DEFAULT_PEER_PAGE_SIZE));
    expect(pages.every((p) => p.size <= DEFAULT_PEER_PAGE_SIZE)).to.equal(true);
    expect(pages[0]?.request.cursor).to.equal(undefined);
    expect(pages.slice(1).every((p) => typeof p.request.cursor === 'string')).to.equal(true);
  });

  it('lists every IP that has state throughout while the tables change between pages', async () => {
    const removed: string[] = [];
    betweenPages = (page) => {
      // An IP not yet listed loses its state; a listed one becomes active again (moves to the end).
      const gone = ipOf(IPS - page);
      state.tracker.forget(gone);
      state.monitor.clear(gone);
      removed.push(gone);
      state.tracker.recordConnectAttempt(ipOf(page));
      state.tracker.recordConnectAttempt(`10.10.0.${page}`);
    };
    const peers = await listAllPeers(client as ControlClient);
    const listed = new Set(peers.map((p) => p.ip));
    expect(listed.size).to.equal(peers.length, 'an IP listed twice by the node is shown once');
    for (let i = 0; i < IPS; i++) {
      if (!removed.includes(ipOf(i))) expect(listed.has(ipOf(i)), ipOf(i)).to.equal(true);
    }
  });
});
