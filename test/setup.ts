// Loaded by mocha before any test file (see .mocharc.json): tsyringe needs the Reflect metadata
// polyfill in place before it is first imported.
import 'reflect-metadata';
