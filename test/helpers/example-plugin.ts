import path from 'node:path';

/** The example plugin of docs/plugins.md, a plugin file as a node loads it from `DIR/interfaces`. */
export const EXAMPLE_PLUGIN = path.join(
  __dirname,
  '../../examples/plugins/interfaces/ExampleTcpClientInterface.js',
);
