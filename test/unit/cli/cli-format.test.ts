import { expect } from 'chai';
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
});
