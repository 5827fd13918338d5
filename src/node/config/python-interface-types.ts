/**
 * The interface types Python RNS 1.4.2 builds in (`Reticulum.py`, `RNS/Interfaces`). A section of
 * one that no plugin here serves (AutoInterface, RNodeInterface, I2PInterface, ...) is reported
 * and skipped, as a config written for Python must load; any other unknown type is an error.
 */
export const PYTHON_INTERFACE_TYPES: ReadonlySet<string> = new Set([
  'AutoInterface',
  'BackboneInterface',
  'BackboneClientInterface',
  'UDPInterface',
  'TCPServerInterface',
  'TCPClientInterface',
  'I2PInterface',
  'SerialInterface',
  'PipeInterface',
  'KISSInterface',
  'AX25KISSInterface',
  'RNodeInterface',
  'RNodeMultiInterface',
  'WeaveInterface',
]);
