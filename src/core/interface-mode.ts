/**
 * Reticulum interface modes, numbered as Python RNS and rns-net number them.
 */
export const InterfaceMode = {
  Full: 0x01,
  PointToPoint: 0x02,
  AccessPoint: 0x03,
  Roaming: 0x04,
  Boundary: 0x05,
  Gateway: 0x06,
  Internal: 0x07,
} as const;

/** One of the {@link InterfaceMode} values. */
export type InterfaceMode = (typeof InterfaceMode)[keyof typeof InterfaceMode];

/** Config spellings (lowercase) accepted for each mode, as Python RNS and rns-net accept them. */
const SPELLINGS: ReadonlyMap<string, InterfaceMode> = new Map<string, InterfaceMode>([
  ['full', InterfaceMode.Full],
  ['pointtopoint', InterfaceMode.PointToPoint],
  ['point_to_point', InterfaceMode.PointToPoint],
  ['ptp', InterfaceMode.PointToPoint],
  ['accesspoint', InterfaceMode.AccessPoint],
  ['access_point', InterfaceMode.AccessPoint],
  ['ap', InterfaceMode.AccessPoint],
  ['roaming', InterfaceMode.Roaming],
  ['boundary', InterfaceMode.Boundary],
  ['gateway', InterfaceMode.Gateway],
  ['gw', InterfaceMode.Gateway],
  ['internal', InterfaceMode.Internal],
]);

/**
 * Parses a config spelling of a mode (case-insensitive). Returns `undefined` for a spelling no
 * implementation accepts, so the caller can report the key instead of silently using `full`.
 */
export function parseInterfaceMode(spelling: string): InterfaceMode | undefined {
  return SPELLINGS.get(spelling.trim().toLowerCase());
}

/** The canonical config spelling of a mode, for status output. */
export function interfaceModeName(mode: InterfaceMode): string {
  switch (mode) {
    case InterfaceMode.Full:
      return 'full';
    case InterfaceMode.PointToPoint:
      return 'pointtopoint';
    case InterfaceMode.AccessPoint:
      return 'access_point';
    case InterfaceMode.Roaming:
      return 'roaming';
    case InterfaceMode.Boundary:
      return 'boundary';
    case InterfaceMode.Gateway:
      return 'gateway';
    case InterfaceMode.Internal:
      return 'internal';
  }
}
