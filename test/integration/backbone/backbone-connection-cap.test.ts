import { expect } from 'chai';
import { Socket } from 'node:net';
import { createServerRuntimeHandle } from '../../../src/net/server/server-runtime-handle';
import { admittedFrom, ATTACKER_IP, attemptFrom, closedWithin, entryOf } from './support/abuse-test-support';
import { startTestServer, TestServer } from './support/backbone-test-server';

/** Penalties on (the recommended base duration of docs/operations.md), nothing exempt. */
const PENALTIES = { penaltyExempt: [], blacklistDurationMs: 120_000 };

describe('BackboneInterface server: connections per IP (loopback)', () => {
  let server: TestServer | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
    server = undefined;
  });

  /** Admits `count` connections from `ip`, one after another. */
  async function admitMany(s: TestServer, ip: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) sockets.push((await admittedFrom(s, ip)).socket);
  }

  it('40 connections from one IP: 32 admitted, the 33rd refused and the IP penalised, its slots freed', async () => {
    server = await startTestServer({}, { abuse: PENALTIES });
    const s = server;
    const bystander = (await admittedFrom(s, '127.0.0.3')).socket;
    sockets.push(bystander);
    await admitMany(s, ATTACKER_IP, 32);
    expect(entryOf(s, ATTACKER_IP)?.connectedCount).to.equal(32);

    const refused: Socket[] = [];
    for (let i = 0; i < 8; i++) refused.push(attemptFrom(s.port, ATTACKER_IP));
    sockets.push(...refused);
    await Promise.all(refused.map((socket) => closedWithin(socket)));

    const [penalty, ...more] = s.sink.details('peer.penalty');
    expect(more).to.deep.equal([], 'one penalty; later attempts meet the blacklist');
    expect(penalty).to.deep.include({
      ip: ATTACKER_IP,
      level: 1,
      blacklistForMs: 120_000,
      reason: 'connections per IP exceeded',
    });
    // The penalty closes the 32 it held; nothing else is disconnected.
    await s.sink.waitFor('InterfaceDown', () => s.sink.ofType('InterfaceDown').length === 32);
    const entry = entryOf(s, ATTACKER_IP);
    expect(entry).to.deep.include({ connectedCount: 0, rejectCount: 8, penaltyLevel: 1 });
    expect(entry?.blacklistReason).to.equal('connections per IP exceeded');
    expect(s.sink.ofType('InterfaceUp')).to.have.length(33);
    expect(bystander.closed).to.equal(false);
    expect(entryOf(s, '127.0.0.3')).to.deep.include({ connectedCount: 1, rejectCount: 0, penaltyLevel: 0 });
  });

  it('refuses at the cap without a penalty while penalties are off, and admits again once a slot is free', async () => {
    server = await startTestServer({}, { abuse: { penaltyExempt: [], maxConnectionsPerIp: 3 } });
    const s = server;
    await admitMany(s, ATTACKER_IP, 3);
    const refused = attemptFrom(s.port, ATTACKER_IP);
    sockets.push(refused);
    await closedWithin(refused);
    expect(s.sink.ofType('InterfaceUp')).to.have.length(3);
    expect(s.sink.details('peer.penalty')).to.deep.equal([]);
    expect(entryOf(s, ATTACKER_IP)).to.deep.include({ connectedCount: 3, rejectCount: 1 });

    sockets[0]?.destroy();
    await s.sink.waitFor('InterfaceDown');
    sockets.push((await admittedFrom(s, ATTACKER_IP)).socket);
    expect(entryOf(s, ATTACKER_IP)?.connectedCount).to.equal(3);
  });

  it('does not cap an address in penalty_exempt (loopback by default)', async () => {
    server = await startTestServer({}, { abuse: { maxConnectionsPerIp: 2, blacklistDurationMs: 120_000 } });
    await admitMany(server, '127.0.0.1', 5);
    expect(entryOf(server, '127.0.0.1')?.connectedCount).to.equal(5);
    expect(server.sink.details('peer.penalty')).to.deep.equal([]);
  });

  it('applies a lowered max_connections_per_ip to new connections; 0 lifts the cap', async () => {
    server = await startTestServer({}, { abuse: { penaltyExempt: [] } });
    const s = server;
    const handle = createServerRuntimeHandle(s.state);
    await admitMany(s, ATTACKER_IP, 2);
    expect(handle.set('max_connections_per_ip', 2).ok).to.equal(true);
    const refused = attemptFrom(s.port, ATTACKER_IP);
    sockets.push(refused);
    await closedWithin(refused);
    expect(entryOf(s, ATTACKER_IP)).to.deep.include({ connectedCount: 2, rejectCount: 1 });
    expect(handle.set('max_connections_per_ip', 0).ok).to.equal(true);
    await admitMany(s, ATTACKER_IP, 2);
    expect(entryOf(s, ATTACKER_IP)?.connectedCount).to.equal(4);
  });
});
