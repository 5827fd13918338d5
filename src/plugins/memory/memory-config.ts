import { InterfaceId } from '../../core/interface-id';

/** The config `type` of the in-memory reference plugin. */
export const MEMORY_INTERFACE_TYPE = 'MemoryInterface';

/** A parsed `MemoryInterface` section. */
export interface MemoryInterfaceConfig {
  /** The section name. */
  readonly name: string;
  /** The configured id. */
  readonly id: InterfaceId;
  /** The pipe it joins (`pipe` key): two sections with the same pipe are linked. */
  readonly pipe: string;
}
