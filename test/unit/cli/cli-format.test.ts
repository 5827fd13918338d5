import { expect } from 'chai';
import { renderPeers } from '../../../src/cli/format/peers-view';
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
