/**
 * Interoperability with real Python Reticulum: two Python RNS instances without transport, one
 * attached as a BackboneInterface client and one as a TCPClientInterface, reach each other
 * through a hub. The same scenarios run against every hub kind available: a Python transport
 * node (validates the harness itself) and, once built, this project's node (`rns-net run`).
 *
 * Skips when Python RNS is absent: set RNS_PYTHON_PATH to an unpacked Reticulum source tree.
 */
import { expect } from 'chai';

import {
  EventedProcess,
  Hub,
  HubKind,
  InteropEvent,
  PeerInterfaceKind,
  PythonRns,
  ServerPeer,
  findPythonRns,
  hubKindsToTest,
  startClientPeer,
  startHub,
  startServerPeer,
} from './python-rns';

/** The resource size the issue asks for: "multi-megabyte". */
const RESOURCE_SIZE = 3 * 1024 * 1024;
/** Keepalive packets are byte-identical; two answered ones prove repeats are relayed. */
const KEEPALIVES = 2;
/** Bound for the client's whole scripted run (it normally takes 2-4 s). */
const CLIENT_RUN_MS = 60_000;
/** Bound for a server-side event that trails the client's own report. */
const TRAILING_EVENT_MS = 5_000;

interface Scenario {
  server: PeerInterfaceKind;
  client: PeerInterfaceKind;
  /**
   * The link MTU both ends settle on. The initiator signals its interface's HW_MTU (TCP client
   * 8192, Backbone client 16384) and the receiving side clamps it to its own interface's HW_MTU,
   * so a Backbone/TCP pair always ends at 8192.
   */
  linkMtu: number;
}

const SCENARIOS: Scenario[] = [
  { server: 'backbone', client: 'tcp', linkMtu: 8192 },
  { server: 'tcp', client: 'backbone', linkMtu: 8192 },
];

function field<T>(event: InteropEvent | undefined, key: string): T {
  expect(event, `event carrying '${key}'`).to.not.equal(undefined);
  return (event as InteropEvent)[key] as T;
}

describe('Python RNS interop', function () {
  this.timeout(120_000);
  let rns: PythonRns | undefined;

  before(async function () {
    rns = await findPythonRns();
    if (!rns) this.skip();
  });

  for (const kind of hubKindsToTest()) {
    describe(`through a ${kind} hub`, function () {
      let hub: Hub | undefined;

      before(async function () {
        if (!rns) this.skip();
        hub = await startHub(kind, rns);
      });

      after(async function () {
        await hub?.stop();
      });

      for (const scenario of SCENARIOS) {
        describeScenario(
          kind,
          scenario,
          () => rns,
          () => hub,
        );
      }
    });
  }
});

function describeScenario(
  kind: HubKind,
  scenario: Scenario,
  getRns: () => PythonRns | undefined,
  getHub: () => Hub | undefined,
): void {
  describe(`${scenario.server} server peer <-> ${scenario.client} client peer (${kind} hub)`, function () {
    let server: ServerPeer | undefined;
    let client: EventedProcess | undefined;
    let clientExit: { code: number | null } | undefined;

    before(async function () {
      const rns = getRns();
      const hub = getHub();
      if (!rns || !hub) this.skip();
      server = await startServerPeer(rns, { interface: scenario.server, port: hub.port });
      client = startClientPeer(rns, {
        interface: scenario.client,
        port: hub.port,
        destinationHash: server.destinationHash,
        resourceSize: RESOURCE_SIZE,
        keepalives: KEEPALIVES,
      });
      // The client runs every step by itself; each test below checks one step's events, so a
      // failure names the step that broke instead of failing the whole scenario at once.
      await Promise.race([
        client.exited,
        new Promise((resolve) => setTimeout(resolve, CLIENT_RUN_MS).unref()),
      ]);
      clientExit = await Promise.race([client.exited, Promise.resolve(undefined)]);
    });

    after(async function () {
      await client?.stop();
      await server?.process.stop();
    });

    /** The client's event for a step, or a failure carrying the client's error report. */
    function clientStep(name: string): InteropEvent {
      const c = client as EventedProcess;
      const event = c.find(name);
      if (!event) throw c.failure(`step '${name}' not reached`);
      return event;
    }

    it('carries a live announce from one peer to the other', async function () {
      const announced = clientStep('announced');
      const seen = await server!.process.waitFor(
        'announce',
        TRAILING_EVENT_MS,
        (event) => event.hash === announced.hash,
      );
      expect(field<string>(seen, 'app_data')).to.equal('rnsnet-interop-client');
    });

    it('answers a path request', function () {
      const pathEvent = clientStep('path');
      expect(pathEvent.hash).to.equal(server!.destinationHash);
      expect(field<number>(pathEvent, 'requests')).to.be.at.least(1);
    });

    it('delivers a single packet and returns its proof', async function () {
      const proven = clientStep('packet_proven');
      const received = await server!.process.waitFor(
        'packet',
        TRAILING_EVENT_MS,
        (event) => event.data === proven.data,
      );
      expect(field<string>(received, 'data')).to.match(/^ping [0-9a-f]{16}$/);
    });

    it(`establishes a link (link MTU ${scenario.linkMtu} on both ends)`, async function () {
      const established = clientStep('link_established');
      const serverSide = await server!.process.waitFor(
        'link_established',
        TRAILING_EVENT_MS,
        (event) => event.link_id === established.link_id,
      );
      expect(field<number>(established, 'mtu')).to.equal(scenario.linkMtu);
      expect(field<number>(serverSide, 'mtu')).to.equal(scenario.linkMtu);
    });

    it('answers a request on the link', async function () {
      const response = clientStep('response');
      expect(field<number>(response, 'size')).to.equal(64);
      const request = await server!.process.waitFor('request', TRAILING_EVENT_MS);
      expect(field<string>(request, 'path')).to.equal('/echo');
    });

    it(`exchanges ${KEEPALIVES} identical link keepalives`, async function () {
      const last = client!.all('keepalive');
      if (last.length < KEEPALIVES) throw client!.failure(`only ${last.length} keepalives answered`);
      const replies = await server!.process.waitFor(
        'keepalive_reply',
        TRAILING_EVENT_MS,
        (event) => Number(event.count) >= KEEPALIVES,
      );
      expect(field<number>(replies, 'count')).to.be.at.least(KEEPALIVES);
    });

    it(`transfers a ${RESOURCE_SIZE / 1024 / 1024} MiB resource intact`, async function () {
      const sent = clientStep('resource_sent');
      const concluded = await server!.process.waitFor('resource_concluded', TRAILING_EVENT_MS);
      expect(field<boolean>(concluded, 'ok')).to.equal(true);
      expect(field<number>(concluded, 'size')).to.equal(RESOURCE_SIZE);
      expect(field<number>(sent, 'size')).to.equal(RESOURCE_SIZE);
      expect(field<string>(concluded, 'sha256')).to.equal(field<string>(sent, 'sha256'));
    });

    it('client finishes its script successfully', function () {
      const summary = clientStep('summary');
      expect(summary.ok).to.equal(true);
      expect(clientExit?.code, 'client exit code').to.equal(0);
    });
  });
}
