import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../../src/core/errors';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { BackboneInterfaceFactory } from '../../../../src/plugins/backbone/backbone-interface-factory';
import { ConfigParamReader } from '../../../../src/registry/config-params';
import { catchConfigError } from '../../../helpers/config-error';
import {
  DEFAULT_LOG_LEVEL,
  RETICULUM_NODE_KEYS,
  locateInterfaceError,
  parseNodeConfig,
  type NodeConfig,
} from '../../../../src/node/config/node-config';

const FILE = '/home/op/.rns-net/config';

function load(lines: string[]): NodeConfig {
  return parseNodeConfig(lines.join('\n'), FILE);
}

/** One interface section with the given body lines. */
function iface(name: string, ...body: string[]): string[] {
  return [`  [[${name}]]`, ...body.map((l) => `    ${l}`)];
}

describe('parseNodeConfig', () => {
  it("reads Python RNS 1.4.2's own default config and starts what Python would start", () => {
    const text = readFileSync(join(__dirname, '../../../fixtures/python-rns-1.4.2-default-config'), 'utf8');
    const config = parseNodeConfig(text, 'python-default');
    expect(config.errors).to.deep.equal([]);
    expect(config.logging.level).to.equal(4);
    expect({ ...config.reticulum }).to.deep.equal({
      enable_transport: 'False',
      share_instance: 'Yes',
      instance_name: 'default',
    });
    expect(config.interfaces).to.have.length(1);
    const [auto] = config.interfaces;
    expect(auto.name).to.equal('Default Interface');
    expect(auto.typeName).to.equal('AutoInterface');
    expect(auto.enabled).to.equal(true);
    expect(auto.mode).to.equal(InterfaceMode.Full);
    expect({ ...auto.params }).to.deep.equal({});
    expect(config.notices.join('\n')).to.contain('not used by rns-net: share_instance, instance_name');
    expect(config.reticulumSettings.routing, 'Python default: transport off, no relay chosen').to.equal(null);
  });

  const DEFAULT_BUDGETS = {
    receiveBufferBudgetBytes: 64 * 1024 * 1024,
    sendBufferBudgetBytes: 256 * 1024 * 1024,
  };

  it('reads the node-wide buffer budgets from [reticulum] in MiB, and reports only the other keys as ignored', () => {
    const config = load([
      '[reticulum]',
      '  enable_transport = yes',
      '  receive_buffer_budget = 32',
      '  send_buffer_budget = 1024',
    ]);
    expect(config.errors).to.deep.equal([]);
    expect(config.reticulumSettings).to.deep.include({
      receiveBufferBudgetBytes: 32 * 1024 * 1024,
      sendBufferBudgetBytes: 1024 * 1024 * 1024,
    });
    expect(config.notices.join('\n')).not.to.include('buffer_budget');
    expect(RETICULUM_NODE_KEYS).to.include.members(['receive_buffer_budget', 'send_buffer_budget']);
  });

  it('defaults the buffer budgets to 64 MiB and 256 MiB', () => {
    expect(load(['[reticulum]']).reticulumSettings).to.deep.include(DEFAULT_BUDGETS);
    expect(load([]).reticulumSettings).to.deep.include({
      receiveBufferBudgetBytes: 64 * 1024 * 1024,
      sendBufferBudgetBytes: 256 * 1024 * 1024,
    });
  });

  it('reports a bad buffer budget with file, line, section and key, and uses the default', () => {
    const cases: Array<[string, string]> = [
      ['receive_buffer_budget = 1', 'must be >= 2'],
      ['receive_buffer_budget = 1.5', 'expected an integer'],
      ['send_buffer_budget = 3', 'must be >= 4'],
      ['send_buffer_budget = lots', 'expected a number'],
      ['send_buffer_budget = 100000', 'must be <= 65536'],
    ];
    for (const [line, detail] of cases) {
      const config = load(['# budgets', '[reticulum]', `  ${line}`]);
      expect(config.errors).to.have.length(1, line);
      const [error] = config.errors;
      expect(error).to.include({ file: FILE, line: 3, section: 'reticulum', key: line.split(' ')[0] });
      expect(error?.message).to.include(detail);
      expect(config.reticulumSettings).to.deep.include(DEFAULT_BUDGETS);
    }
  });

  it('passes every key the node does not own to the plugin, with values unquoted and lists split', () => {
    const config = load([
      '[interfaces]',
      ...iface(
        'Public',
        'type = BackboneInterface',
        'interface_enabled = True',
        'mode = gateway',
        'listen_ip = "0.0.0.0"',
        'port = 4242 # comment',
        'passphrase = "a # b, c"',
        'hosts = a, b',
      ),
    ]);
    expect(config.errors).to.deep.equal([]);
    const [p] = config.interfaces;
    expect(p.enabled).to.equal(true);
    expect(p.mode).to.equal(InterfaceMode.Gateway);
    expect({ ...p.params }).to.deep.equal({
      listen_ip: '0.0.0.0',
      port: '4242',
      hosts: ['a', 'b'],
    });
    expect({ ...p.nodeParams }).to.deep.equal({ passphrase: 'a # b, c' });
    expect(p.keyLines.get('port')).to.equal(7);
    expect(p.line).to.equal(2);
  });

  it('starts an interface when enabled or interface_enabled is a true boolean word', () => {
    const words = ['yes', 'Yes', 'TRUE', 'on', '1'];
    const config = load([
      '[interfaces]',
      ...words.flatMap((w, i) => iface(`i${i}`, 'type = T', `enabled = ${w}`)),
    ]);
    expect(config.interfaces.map((i) => i.enabled)).to.deep.equal(words.map(() => true));
    const either = load([
      '[interfaces]',
      ...iface('a', 'type = T', 'interface_enabled = no', 'enabled = yes'),
      ...iface('b', 'type = T', 'interface_enabled = yes', 'enabled = off'),
    ]);
    expect(either.interfaces.map((i) => i.enabled)).to.deep.equal([true, true]);
  });

  it('skips a section without enabled or interface_enabled, or with a false value, with a notice', () => {
    const config = load([
      '[interfaces]',
      ...iface('Silent', 'type = BackboneInterface'),
      ...iface('Off', 'type = BackboneInterface', 'enabled = No'),
      ...iface('Zero', 'type = BackboneInterface', 'interface_enabled = 0', 'enabled = false'),
    ]);
    expect(config.errors).to.deep.equal([]);
    expect(config.interfaces.map((i) => [i.name, i.enabled])).to.deep.equal([
      ['Silent', false],
      ['Off', false],
      ['Zero', false],
    ]);
    const skipped = config.notices.filter((n) => n.includes('Skipping disabled interface'));
    expect(skipped).to.have.length(3);
    expect(skipped[0]).to.contain(`${FILE}:2`).and.contain('"Silent"').and.contain('add enabled = yes');
    expect(skipped[1]).to.contain('"Off"').and.contain('enabled = no');
  });

  it('reads every Python mode spelling, interface_mode winning over mode', () => {
    const spellings: Array<[string, InterfaceMode]> = [
      ['full', InterfaceMode.Full],
      ['gateway', InterfaceMode.Gateway],
      ['GW', InterfaceMode.Gateway],
      ['access_point', InterfaceMode.AccessPoint],
      ['accesspoint', InterfaceMode.AccessPoint],
      ['ap', InterfaceMode.AccessPoint],
      ['pointtopoint', InterfaceMode.PointToPoint],
      ['ptp', InterfaceMode.PointToPoint],
      ['Roaming', InterfaceMode.Roaming],
      ['boundary', InterfaceMode.Boundary],
    ];
    for (const key of ['mode', 'interface_mode']) {
      const config = load([
        '[interfaces]',
        ...spellings.flatMap(([s], i) => iface(`i${i}`, 'type = T', 'enabled = yes', `${key} = ${s}`)),
      ]);
      expect(config.errors).to.deep.equal([]);
      expect(config.interfaces.map((i) => i.mode)).to.deep.equal(spellings.map(([, m]) => m));
    }
    const both = load([
      '[interfaces]',
      ...iface('x', 'type = T', 'enabled = yes', 'mode = bogus', 'interface_mode = roaming'),
    ]);
    expect(both.errors).to.deep.equal([]);
    expect(both.interfaces[0].mode).to.equal(InterfaceMode.Roaming);
    expect(both.notices.join('\n')).to.contain("'mode' is ignored because 'interface_mode' is set");
    const none = load(['[interfaces]', ...iface('x', 'type = T', 'enabled = yes')]);
    expect(none.interfaces[0].mode).to.equal(InterfaceMode.Full);
  });

  describe('a bad interface section is reported and skipped; the others are kept', () => {
    const cases: Array<{ name: string; body: string[]; key: string; keyLine: number; detail: RegExp }> = [
      {
        name: 'a non-boolean enabled',
        body: ['type = T', 'enabled = maybe'],
        key: 'enabled',
        keyLine: 2,
        detail: /yes\/no.*'maybe'/,
      },
      {
        name: 'a non-boolean interface_enabled',
        body: ['type = T', 'interface_enabled = sure', 'enabled = yes'],
        key: 'interface_enabled',
        keyLine: 2,
        detail: /'sure'/,
      },
      {
        name: 'a missing type',
        body: ['enabled = yes'],
        key: 'type',
        keyLine: 0,
        detail: /missing interface type/,
      },
      {
        name: 'an empty type',
        body: ['type =', 'enabled = yes'],
        key: 'type',
        keyLine: 1,
        detail: /missing/,
      },
      {
        name: 'a list type',
        body: ['type = a, b', 'enabled = yes'],
        key: 'type',
        keyLine: 1,
        detail: /list/,
      },
      {
        name: 'an unknown mode',
        body: ['type = T', 'enabled = yes', 'mode = mesh'],
        key: 'mode',
        keyLine: 3,
        detail: /unknown interface mode 'mesh'.*internal/,
      },
      {
        name: 'an unknown interface_mode',
        body: ['type = T', 'enabled = yes', 'mode = full', 'interface_mode = fast'],
        key: 'interface_mode',
        keyLine: 4,
        detail: /unknown interface mode 'fast'/,
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const config = load([
          '[interfaces]', // 1
          ...iface('Good', 'type = BackboneInterface', 'enabled = yes'), // 2..4
          ...iface('Bad', ...c.body), // 5..
          ...iface('Also Good', 'type = BackboneInterface', 'enabled = yes'),
        ]);
        expect(config.interfaces.map((i) => i.name)).to.deep.equal(['Good', 'Also Good']);
        expect(config.errors).to.have.length(1);
        const [err] = config.errors;
        expect(err).to.be.instanceOf(ConfigError);
        expect(err.file).to.equal(FILE);
        expect(err.line).to.equal(5 + c.keyLine);
        expect(err.section).to.equal('Bad');
        expect(err.key).to.equal(c.key);
        expect(err.detail).to.match(c.detail);
        expect(err.message).to.contain(`${FILE}:${5 + c.keyLine} [Bad] '${c.key}': `);
      });
    }

    it('reports every problem of one section', () => {
      const config = load(['[interfaces]', ...iface('Bad', 'enabled = perhaps', 'mode = odd')]);
      expect(config.errors.map((e) => e.key)).to.deep.equal(['type', 'enabled', 'mode']);
      expect(config.interfaces).to.deep.equal([]);
    });
  });

  it('rejects a plain key directly under [interfaces], naming it', () => {
    const config = load([
      '[interfaces]',
      'type = BackboneInterface',
      ...iface('A', 'type = T', 'enabled = yes'),
    ]);
    expect(config.interfaces.map((i) => i.name)).to.deep.equal(['A']);
    expect(config.errors).to.have.length(1);
    expect(config.errors[0].message).to.contain(`${FILE}:2 [interfaces] 'type': a plain key`);
  });

  it('ignores sub-subsections of an interface with a notice', () => {
    const config = load([
      '[interfaces]',
      ...iface('Multi', 'type = RNodeMultiInterface', 'enabled = yes'),
      '      [[[port0]]]',
      '        frequency = 1',
    ]);
    expect(config.errors).to.deep.equal([]);
    expect({ ...config.interfaces[0].params }).to.deep.equal({});
    expect(config.notices.join('\n')).to.contain(`${FILE}:5: [Multi] subsection [port0] is not supported`);
  });

  describe('[logging] loglevel', () => {
    it('defaults to 4 and reads 0..8', () => {
      expect(load([]).logging.level).to.equal(DEFAULT_LOG_LEVEL).and.equal(4);
      for (let level = 0; level <= 8; level++) {
        const config = load(['[logging]', `loglevel = ${level}`]);
        expect(config.errors).to.deep.equal([]);
        expect(config.logging.level).to.equal(level);
      }
    });

    for (const bad of ['9', '-1', '2.5', 'loud', '1, 2', '']) {
      it(`rejects '${bad}' naming file, line, section and key, keeping the default`, () => {
        const config = load(['# c', '[logging]', `loglevel = ${bad}`]);
        expect(config.logging.level).to.equal(4);
        expect(config.errors).to.have.length(1);
        expect(config.errors[0].message).to.match(new RegExp(`^${FILE}:3 \\[logging\\] 'loglevel': `));
      });
    }

    it('notes [logging] keys it does not use', () => {
      expect(load(['[logging]', 'logtimestamps = yes']).notices.join('\n')).to.contain(
        `${FILE}:2: [logging] 'logtimestamps' is not used`,
      );
    });
  });

  it('keeps unknown sections and top-level keys in the tree and ignores them with a notice', () => {
    const config = load(['stray = 1', '[hooks]', '  [[h]]', '    path = x', '[interface]', 'type = T']);
    expect(config.errors).to.deep.equal([]);
    expect(config.interfaces).to.deep.equal([]);
    expect(config.tree.sections.get('hooks')?.sections.get('h')?.values.get('path')?.value).to.equal('x');
    const notes = config.notices.join('\n');
    expect(notes).to.contain(`${FILE}:1: key 'stray' outside any section is ignored`);
    expect(notes).to.contain(`${FILE}:2: section [hooks] is not used by rns-net; ignored`);
    expect(notes).to.contain(`${FILE}:5: section [interface] is not used`);
    expect(notes).to.contain('no [interfaces] section');
    expect(load(['[Interfaces]']).notices.join('\n')).to.contain('did you mean [interfaces]?');
  });

  it('keeps a key named __proto__ as a plain key', () => {
    const config = load(['[interfaces]', ...iface('P', 'type = T', 'enabled = yes', '__proto__ = x')]);
    const params = config.interfaces[0].params;
    expect(Object.keys(params)).to.deep.equal(['__proto__']);
    expect(new ConfigParamReader('P', params).string('__proto__')).to.equal('x');
  });

  it('locates a plugin error at the line of its key, else at the section', () => {
    const config = load(['[interfaces]', ...iface('S', 'type = T', 'enabled = yes', 'listen_port = abc')]);
    const section = config.interfaces[0];
    let pluginError: ConfigError | undefined;
    try {
      new ConfigParamReader(section.name, section.params).port('listen_port');
    } catch (e) {
      pluginError = e as ConfigError;
    }
    expect(pluginError).to.be.instanceOf(ConfigError);
    const located = locateInterfaceError(FILE, section, pluginError as ConfigError);
    expect(located.message).to.equal(`${FILE}:5 [S] 'listen_port': expected a number, got 'abc'`);
    const general = locateInterfaceError(FILE, section, new ConfigError('cannot start', { section: 'S' }));
    expect(general.message).to.equal(`${FILE}:2 [S]: cannot start`);
  });

  it('names file, line, section and key of a Backbone duration out of bounds', () => {
    const factory = new BackboneInterfaceFactory();
    const cases: Array<[string[], string, string]> = [
      [['idle_timeout = 3000000'], 'idle_timeout', 'must be <= 2147483.647'],
      [['remote = 127.0.0.1', 'connect_timeout = 3000000'], 'connect_timeout', 'must be <= 2147483.647'],
      [['remote = 127.0.0.1', 'reconnect_wait = 1e308'], 'reconnect_wait', 'must be <= 2147483.647'],
      [['remote = 127.0.0.1', 'reconnect_wait = 0'], 'reconnect_wait', "must be >= 1, got '0'"],
    ];
    for (const [body, key, detail] of cases) {
      const config = load([
        '[interfaces]',
        ...iface('S', 'type = BackboneInterface', 'enabled = yes', ...body),
      ]);
      const section = config.interfaces[0];
      const err = catchConfigError(() => factory.parseConfig(section.name, 1, section.params));
      expect(locateInterfaceError(FILE, section, err).message).to.include(
        `${FILE}:${4 + body.length} [S] '${key}': ${detail}`,
      );
    }
  });

  it('throws a ConfigError naming the file for text that is not ConfigObj', () => {
    expect(() => parseNodeConfig('[interfaces]\n[[[x]]]', FILE))
      .to.throw(ConfigError)
      .with.property('message')
      .that.contains(`${FILE}:2`);
  });
});
