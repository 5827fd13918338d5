import { expect } from 'chai';
import { InterfaceMode } from '../../../../src/core/interface-mode';
import { ConfigParamReader } from '../../../../src/registry/config-params';
import { parseConfigObj } from '../../../../src/node/config/configobj-parser';
import { DEFAULT_CONFIG_TEXT } from '../../../../src/node/config/default-config';
import { parseNodeConfig } from '../../../../src/node/config/node-config';

describe('DEFAULT_CONFIG_TEXT', () => {
  const config = parseNodeConfig(DEFAULT_CONFIG_TEXT, 'default');

  it('parses with no errors and no notices', () => {
    expect(config.errors).to.deep.equal([]);
    expect(config.notices).to.deep.equal([]);
    expect(config.logging.level).to.equal(4);
    expect({ ...config.reticulum }).to.deep.equal({ enable_transport: 'yes' });
    expect(config.reticulumSettings.routing, 'transport on by default').to.equal('transport');
  });

  it('yields exactly one enabled BackboneInterface server on 127.0.0.1:4242', () => {
    expect(config.interfaces).to.have.length(1);
    const [backbone] = config.interfaces;
    expect(backbone.typeName).to.equal('BackboneInterface');
    expect(backbone.enabled).to.equal(true);
    expect(backbone.mode).to.equal(InterfaceMode.Full);
    const reader = new ConfigParamReader(backbone.name, backbone.params);
    expect(reader.string('listen_ip')).to.equal('127.0.0.1');
    expect(reader.port('listen_port')).to.equal(4242);
    expect(reader.has('remote') || reader.has('target_host')).to.equal(false);
    expect(reader.unusedKeys()).to.deep.equal([]);
  });

  it('documents the server keys, a client section and how to expose the server', () => {
    for (const line of [
      '# max_connections =',
      '# idle_timeout =',
      '# write_stall_timeout =',
      '# max_penalty_duration =',
      '#   remote = ',
      '#   target_port = 4242',
      '#   write_stall_timeout = 30',
      '#   listen_ip = 0.0.0.0',
      'enable_transport = yes',
      'relay_mode = flood',
      '# default_ar_target = 3600',
    ]) {
      expect(DEFAULT_CONFIG_TEXT).to.contain(line);
    }
  });

  it('still parses with every commented example key switched on', () => {
    // Uncommenting the documented examples (after dropping the line they replace) must give a
    // valid config too: the server limits, the exposed listen_ip and the client section.
    const uncommented = DEFAULT_CONFIG_TEXT.split('\n')
      .filter((line) => line.trim() !== 'listen_ip = 127.0.0.1')
      .map((line) => line.replace(/^(\s*)#\s*(\[\[.*\]\]|\w+ = .*)$/, '$1$2'))
      .join('\n');
    const tree = parseConfigObj(uncommented, 'uncommented');
    const interfaces = tree.sections.get('interfaces');
    expect([...(interfaces?.sections.keys() ?? [])]).to.deep.equal(['Default Backbone', 'Upstream Backbone']);
    const server = interfaces?.sections.get('Default Backbone');
    expect(server?.values.get('listen_ip')?.value).to.equal('0.0.0.0');
    for (const key of ['max_connections', 'idle_timeout', 'write_stall_timeout', 'max_penalty_duration']) {
      expect(server?.values.has(key), key).to.equal(true);
    }
    const upstream = interfaces?.sections.get('Upstream Backbone');
    expect(upstream?.values.get('remote')?.value).to.equal('192.0.2.10');
    expect(upstream?.values.get('write_stall_timeout')?.value).to.equal('30');
  });
});
