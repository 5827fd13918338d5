import { HW_MTU } from '../../core/constants';
import { ConfigError } from '../../core/errors';
import { InterfaceId } from '../../core/interface-id';
import { makeInterfaceInfo } from '../../core/interface-info';
import { ConfigParamReader, ConfigParams } from '../../registry/config-params';
import {
  INTERFACE_API_VERSION,
  InterfaceFactory,
  StartContext,
  StartedSingleInterface,
} from '../../registry/interface-factory';
import { MEMORY_INTERFACE_TYPE, MemoryInterfaceConfig } from './memory-config';
import { MemoryPipe } from './memory-pipe';

/**
 * The in-memory reference plugin (`type = MemoryInterface`): a `single` interface joined to a
 * named pipe (`pipe = <name>`, required). Two sections with the same pipe are linked: a packet
 * written on one arrives as a `Frame` on the other. It exists to test the driver, the registry
 * and the compliance suite without sockets.
 *
 * - Online: when the second section joins a pipe, both send `InterfaceUp(id)` (the second from
 *   inside its `start`); a lone end stays offline and its writer refuses with `offline`.
 * - A third section on a pipe fails to start with a {@link ConfigError} naming its `pipe` key
 *   (parsing cannot see other sections, so the check is at start).
 * - Stop leaves the pipe: both ends send `InterfaceDown`, and the pipe can be joined again.
 *
 * Pipes belong to the factory instance (one per container), so nothing leaks across tests.
 */
export class MemoryInterfaceFactory implements InterfaceFactory<MemoryInterfaceConfig> {
  readonly typeName = MEMORY_INTERFACE_TYPE;
  readonly apiVersion = INTERFACE_API_VERSION;
  private readonly pipes = new Map<string, MemoryPipe>();

  parseConfig(name: string, id: InterfaceId, params: ConfigParams): MemoryInterfaceConfig {
    const reader = new ConfigParamReader(name, params);
    const pipe = reader.string('pipe');
    if (pipe === undefined) throw reader.error('pipe', 'is required: the name of the pipe to join');
    if (pipe.trim().length === 0) throw reader.error('pipe', 'must not be empty');
    return { name, id, pipe: pipe.trim() };
  }

  async start(config: MemoryInterfaceConfig, ctx: StartContext): Promise<StartedSingleInterface> {
    let pipe = this.pipes.get(config.pipe);
    if (pipe === undefined) {
      pipe = new MemoryPipe(config.pipe);
      this.pipes.set(config.pipe, pipe);
    }
    if (pipe.full) {
      throw new ConfigError(`pipe '${config.pipe}' already joins two interfaces`, {
        section: config.name,
        key: 'pipe',
      });
    }
    const joined = pipe;
    const end = joined.join(config.id, ctx.events);
    ctx.logger.debug('joined memory pipe', { pipe: config.pipe, online: end.up });
    return {
      kind: 'single',
      id: config.id,
      info: makeInterfaceInfo({
        id: config.id,
        name: config.name,
        mode: ctx.mode,
        ingressControl: ctx.ingressControl,
        mtu: HW_MTU,
      }),
      writer: end.writer,
      stop: async () => {
        joined.leave(end);
        if (joined.empty && this.pipes.get(config.pipe) === joined) this.pipes.delete(config.pipe);
      },
    };
  }
}
