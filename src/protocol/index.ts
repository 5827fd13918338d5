/** The Reticulum wire model: packets, hashes, announces, links, path requests. No sockets, no timers. */
export * from './packet-constants';
export * from './malformed';
export * from './packet';
export * from './packet-hash';
export * from './announce';
export * from './link';
export * from './path-request';
export * from './destination';
export * from './packet-filter';
export * from './identity';
export * from './announce-validator';
export * from './announce-builder';
export * from './known-destinations';
export * from './hkdf';
export * from './ifac';
