import { InterfaceId } from '../interface-id';
import { BoundAddress } from './attached-interface';

/** One configured (attached) interface as status output reports it. */
export interface AttachedSummary {
  /** The configured id. */
  readonly id: InterfaceId;
  /** The config section name. */
  readonly name: string;
  /** The plugin type name. */
  readonly typeName: string;
  /** `single` (one interface) or `listener` (spawns dynamic interfaces). */
  readonly kind: 'single' | 'listener';
  /**
   * For `single`: whether the interface is online. For `listener`: whether it is running
   * (attached and the driver not stopped); its peers are counted in {@link dynamicCount}.
   */
  readonly online: boolean;
  /** For `listener`: the live dynamic interfaces it spawned. For `single`: 0. */
  readonly dynamicCount: number;
  /** The address a listener bound, when it reported one. */
  readonly boundAddress: BoundAddress | null;
}
