import { expect } from 'chai';
import { promises as fs } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { RnsNode } from '../../../src/node/rns-node';
import { freePort } from '../../helpers/loopback-port';
import { LoopbackPeer, testPacket, waitUntil } from '../node/loopback-peer';
import { findChromium } from './chromium';

/**
 * The page under test: it opens a WebSocket to the node, sends one packet it builds itself (the
 * 27-byte layout of `testPacket(tag)`), and records every binary message it receives, as hex, in
 * `window.received`. `window.state` tells the test where it is.
 */
function testPage(wsUrl: string, tag: number): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>rns-net WebSocket test</title></head>
<body><script>
window.state = 'connecting';
window.received = [];
const packet = new Uint8Array(27);
packet.fill(${tag}, 2, 18);
const view = new DataView(packet.buffer);
view.setUint32(19, ${tag});
view.setUint32(23, 0xc0ffee);
const ws = new WebSocket(${JSON.stringify(wsUrl)});
ws.binaryType = 'arraybuffer';
ws.onopen = () => { ws.send(packet); window.state = 'sent'; };
ws.onmessage = (event) => {
  const bytes = new Uint8Array(event.data);
  window.received.push(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''));
};
ws.onerror = () => { window.state = 'error'; };
ws.onclose = (event) => { window.state = 'closed ' + event.code; };
</script></body></html>`;
}

/** What the page records on its global object. */
interface PageState {
  state: string;
  received: string[];
}

function serve(html: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(html);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Headless flags: no sandbox (root in CI), and none of the background traffic a closed network refuses. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('a web page on the network: headless Chromium through the WebSocket interface', function () {
  this.timeout(60000);

  const executablePath = findChromium();
  let root: string | undefined;
  let node: RnsNode | undefined;
  let browser: Browser | undefined;
  let pageServer: Server | undefined;
  let tcpPeer: LoopbackPeer | undefined;

  before(function () {
    if (executablePath === undefined) {
      // CI installs Debian's chromium (.ci/run); a machine without it cannot run this test.
      console.log(
        '      no chromium binary on this machine (apt-get install chromium, or set CHROMIUM_PATH)',
      );
      this.skip();
    }
  });

  afterEach(async () => {
    tcpPeer?.close();
    await browser?.close();
    await node?.stop();
    await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
    if (root !== undefined) await fs.rm(root, { recursive: true, force: true });
    root = undefined;
    node = undefined;
    browser = undefined;
    pageServer = undefined;
    tcpPeer = undefined;
  });

  it('sends a packet from the page to a raw TCP Backbone peer and gets one back', async () => {
    const [backbonePort, wsPort] = [await freePort(), await freePort()];
    const tag = 0x5a;
    // The page's origin must be allowed: the test serves it first, then starts the node.
    pageServer = await serve(testPage(`ws://127.0.0.1:${wsPort}/rns`, tag));
    const pagePort = (pageServer.address() as AddressInfo).port;
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-browser-'));
    await fs.writeFile(
      path.join(root, 'config'),
      [
        '[reticulum]',
        '  relay_mode = flood',
        '[logging]',
        '  loglevel = 2',
        '[interfaces]',
        '  [[Backbone]]',
        '    type = BackboneInterface',
        '    enabled = yes',
        '    listen_ip = 127.0.0.1',
        `    listen_port = ${backbonePort}`,
        '  [[Web]]',
        '    type = WebSocketInterface',
        '    enabled = yes',
        '    listen_ip = 127.0.0.1',
        `    listen_port = ${wsPort}`,
        '    path = /rns',
        `    allowed_origins = http://127.0.0.1:${pagePort}`,
        '',
      ].join('\n'),
    );
    node = await RnsNode.start({ configDir: root });
    tcpPeer = await LoopbackPeer.connect(backbonePort);

    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${pagePort}/`);
    await page.waitForFunction(() => (globalThis as unknown as PageState).state === 'sent', undefined, {
      timeout: 15000,
    });

    const fromPage = testPacket(tag);
    const peer = tcpPeer;
    await waitUntil(() => peer.count(fromPage) === 1, 'the TCP peer got the packet the page sent', 15000);

    const fromTcp = testPacket(0x33);
    peer.send(fromTcp);
    const hex = fromTcp.toString('hex');
    await page.waitForFunction(
      (expected) => (globalThis as unknown as PageState).received.includes(expected),
      hex,
      { timeout: 15000 },
    );
    const received = await page.evaluate(() => (globalThis as unknown as PageState).received);
    // The page's own packet is never sent back to it.
    expect(received).to.deep.equal([hex]);
    const web = node.status().interfaces.find((i) => i.name === 'Web');
    expect(web?.peers).to.equal(1);
  });

  it('is refused when the page comes from an origin the server does not allow', async () => {
    const wsPort = await freePort();
    pageServer = await serve(testPage(`ws://127.0.0.1:${wsPort}/`, 1));
    const pagePort = (pageServer.address() as AddressInfo).port;
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'rns-net-browser-'));
    await fs.writeFile(
      path.join(root, 'config'),
      [
        '[reticulum]',
        '  relay_mode = flood',
        '[logging]',
        '  loglevel = 2',
        '[interfaces]',
        '  [[Web]]',
        '    type = WebSocketInterface',
        '    enabled = yes',
        '    listen_ip = 127.0.0.1',
        `    listen_port = ${wsPort}`,
        '    allowed_origins = https://example.org',
        '',
      ].join('\n'),
    );
    node = await RnsNode.start({ configDir: root });
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${pagePort}/`);
    await page.waitForFunction(
      () => (globalThis as unknown as PageState).state.startsWith('closed'),
      undefined,
      {
        timeout: 15000,
      },
    );
    const state = await page.evaluate(() => (globalThis as unknown as PageState).state);
    // A refused handshake reaches a page only as an abnormal close.
    expect(state).to.equal('closed 1006');
    expect(node.status().interfaces.find((i) => i.name === 'Web')?.peers).to.equal(0);
  });
});
