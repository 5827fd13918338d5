export { LogFormat, LOG_FORMATS, isLogFormat, resolveLogFormat } from './log-format';
export { DEFAULT_LOGLEVEL, PYTHON_LOGLEVEL, parseLoglevel, pinoLevelForLoglevel } from './log-level';
export { NodeLoggerOptions, PinoLogger, createNodeLogger } from './pino-logger';
