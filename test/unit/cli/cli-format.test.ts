import { expect } from 'chai';
import { renderPeers } from '../../../src/cli/format/peers-view';
import { renderStatus } from '../../../src/cli/format/status-view';
import { interfaceStatus } from '../node/metrics/fake-metrics-source';
import { NodeStatus } from '../../../src/node/node-status';
import { emptyTransportCounters } from '../../../src/transport/transport-counters';
import { printable } from '../../../src/cli/format/printable';
import { renderTable } from '../../../src/cli/format/text-table';
import { formatBytes, formatDuration } from '../../../src/cli/format/units';
import { parseConfigValue } from '../../../src/cli/parse-config-value';

describe('cli formatting', () => {
  it('parses config values: numbers, booleans and null as JSON, the rest as strings', () => {
    expect(
      ['30', '-1.5', '1e3', 'true', 'false', 'null', 'abc', '"30"', '030', '', ' 7 '].map(parseConfigValue),
    ).to.deep.equal([30, -1.5, 1000, true, false, null, 'abc', '30', '030', '', 7]);
  });

  it('aligns table columns, numbers to the right', () => {
    const text = renderTable(
      [{ header: 'name' }, { header: 'n', align: 'right' }],
      [
        ['a', '1'],
        ['longer', '100'],
      ],
    );
    expect(text.split('\n')).to.deep.equal(['NAME      N', 'a         1', 'longer  100']);
  });

  it('renders tables of any length (more rows than a function call takes arguments)', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`]);
    const text = renderTable([{ header: 'ip' }], rows);
    expect(text.split('\n')).to.have.length(200_001);
  });

  it('formats bytes and durations for people', () => {
    expect([0, 1023, 1024, 1536, 1048576 * 3].map(formatBytes)).to.deep.equal([
      '0 B',
      '1023 B',
      '1.0 KiB',
      '1.5 KiB',
      '3.0 MiB',
    ]);
    expect([0, 59, 61, 3600 + 62, 86400 * 2 + 5].map(formatDuration)).to.deep.equal([
      '0s',
      '59s',
      '1m 01s',
      '1h 01m 02s',
      '2d 00h 00m 05s',
    ]);
  });

  it('shows control characters, escape sequences and bidi overrides as escapes', () => {
    expect(printable('plain text, ünïcödé, 日本')).to.equal('plain text, ünïcödé, 日本');
    expect(printable('a\nb\r\tc')).to.equal('a\\nb\\r\\tc');
    expect(printable('\x1b[2J\x1b[31mred\x07\x7f\x9b')).to.equal('\\x1b[2J\\x1b[31mred\\x07\\x7f\\x9b');
    expect(printable('abc\u202edcba\u2028\u200b')).to.equal('abc\\u{202e}dcba\\u{2028}\\u{200b}');
  });

  it('keeps a peers table one line per peer whatever the reason says', () => {
    const reason = 'spam\nFAKE  10.9.9.9  0  0  0  -\x1b[2J\x1b]0;title\x07';
    const text = renderPeers([
      {
        interfaceName: 'Pub\x1b[31mlic',
        ip: '192.0.2.1',
        connectedCount: 0,
        rejectCount: 0,
        blacklistedRemainingSecs: 60,
        blacklistReason: reason,
        penaltyLevel: 0,
        windowCounts: {},
      },
    ]);
    const lines = text.split('\n');
    expect(lines).to.have.length(2);
    for (const line of lines) expect(/\p{Cc}/u.test(line)).to.equal(false);
    expect(lines[1]).to.equal(
      'Pub\\x1b[31mlic  192.0.2.1          0         0        0  1m 00s left  spam\\nFAKE  10.9.9.9  0  0  0  -\\x1b[2J\\x1b]0;title\\x07',
    );
  });
});

describe('renderStatus', () => {
  const base: NodeStatus = {
    configDir: '/cfg',
    pid: 7,
    startedAt: '2026-01-01T00:00:00.000Z',
    uptimeSecs: 61,
    interfaces: [],
    forwarding: 'transport',
    process: { rssBytes: 1, heapUsedBytes: 1, eventLoopDelayMs: { p50: 0, p99: 0, max: 0 } },
    logging: { droppedLines: 0, suppressedLines: 0 },
    buffers: {
      receiveHeldBytes: 0,
      receiveLimitBytes: 64 * 1024 * 1024,
      receiveEvictions: 0,
      sendHeldBytes: 0,
      sendLimitBytes: 256 * 1024 * 1024,
      sendRefusals: 0,
    },
  };

  it('shows the transport id, the table sizes and the transport counters', () => {
    const counters = emptyTransportCounters();
    counters.announcesRateBlocked = 4;
    const text = renderStatus({
      ...base,
      transport: {
        transportId: 'ab'.repeat(16),
        tables: {
          paths: 12,
          links: 3,
          reverse: 0,
          announces: 1,
          held: 2,
          capped: 0,
          verifying: 0,
          tunnels: 1,
          hashlist: 99,
          rates: 5,
          discovery: 0,
        },
        knownDestinations: 12,
        counters,
      },
    });
    expect(text).to.contain(`transport node ${'ab'.repeat(16)}`);
    expect(text).to.match(/paths\s+12/);
    expect(text).to.match(/held\s+2/);
    expect(text).to.match(/announcesRateBlocked\s+4/);
    expect(text).to.match(/TRANSPORT COUNTER/);
    expect(text).to.not.match(/RELAY COUNTER/);
  });

  it('shows the relay counters in flood mode', () => {
    const text = renderStatus({ ...base, forwarding: 'flood', relay: { received: 3 } });
    expect(text).to.match(/RELAY COUNTER/);
    expect(text).to.not.match(/transport node/);
    expect(text).to.match(/received\s+3/);
  });

  it('shows where each listener listens (the port the system chose for listen_port = 0)', () => {
    const text = renderStatus({
      ...base,
      interfaces: [
        {
          ...interfaceStatus(1, 'Public', 'listener', {}, 2),
          boundAddress: { host: '0.0.0.0', port: 41234 },
        },
        { ...interfaceStatus(2, 'Six', 'listener'), boundAddress: { host: '::1', port: 4242 } },
        interfaceStatus(3, 'Uplink', 'single'),
      ],
    });
    const rows = text.split('\n').filter((line) => /^(Public|Six|Uplink)\b/.test(line));
    expect(rows[0]).to.match(/^Public\s+BackboneInterface\s+full\s+yes\s+0\.0\.0\.0:41234\s+2\b/);
    expect(rows[1]).to.match(/\s\[::1\]:4242\s/);
    expect(rows[2]).to.match(/^Uplink\s+BackboneInterface\s+full\s+yes\s+-\s+0\b/);
  });
});
