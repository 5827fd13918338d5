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
import { parsePipeConfig, PipeConfig } from './pipe-config';
import { PIPE_IFAC_SIZE, PIPE_TYPE_NAME } from './pipe-constants';
import { startPipeInterface } from './pipe-interface';

/** The `PipeInterface` plugin: Python's pipe interface, HDLC over a child process's stdio. */
@injectable()
export class PipeInterfaceFactory implements InterfaceFactory<PipeConfig> {
  readonly typeName = PIPE_TYPE_NAME;
  readonly apiVersion = INTERFACE_API_VERSION;
  readonly defaultIfacSize = PIPE_IFAC_SIZE;

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): PipeConfig {
    return parsePipeConfig(name, id, params);
  }

  start(config: PipeConfig, ctx: StartContext): Promise<StartedInterface> {
    warnUnknownKeys(config.unknownKeys, ctx);
    return startPipeInterface(config, ctx);
  }
}
