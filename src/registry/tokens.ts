import { InjectionToken } from 'tsyringe';
import { InterfaceFactory } from './interface-factory';

/**
 * The multi-binding token every interface plugin registers its factory under; the registry
 * resolves them all with `@injectAll`.
 */
export const INTERFACE_FACTORY: InjectionToken<InterfaceFactory> = Symbol.for('rns-net.InterfaceFactory');
