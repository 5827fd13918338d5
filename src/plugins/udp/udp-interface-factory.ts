import { injectable } from 'tsyringe';
import { InterfaceId } from '../../core/interface-id';
import { ConfigParams } from '../../registry/config-params';
import {
  INTERFACE_API_VERSION,
  InterfaceFactory,
  StartContext,
  StartedInterface,
  warnUnknownKeys,
} from '../../registry/interface-factory';
import { parseUdpConfig, UdpConfig } from './udp-config';
import { UDP_IFAC_SIZE, UDP_TYPE_NAME } from './udp-constants';
import { startUdpInterface } from './udp-interface';

/** The `UDPInterface` plugin: Python's UDP interface, one datagram per packet, unicast or broadcast. */
@injectable()
export class UdpInterfaceFactory implements InterfaceFactory<UdpConfig> {
  readonly typeName = UDP_TYPE_NAME;
  readonly apiVersion = INTERFACE_API_VERSION;
  readonly defaultIfacSize = UDP_IFAC_SIZE;

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): UdpConfig {
    return parseUdpConfig(name, id, params);
  }

  start(config: UdpConfig, ctx: StartContext): Promise<StartedInterface> {
    warnUnknownKeys(config.unknownKeys, ctx);
    return startUdpInterface(config, ctx);
  }
}
