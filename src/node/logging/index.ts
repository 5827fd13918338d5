export { LogFormat, LOG_FORMATS, isLogFormat, resolveLogFormat } from './log-format';
export { DEFAULT_LOGLEVEL, PYTHON_LOGLEVEL, parseLoglevel, pinoLevelForLoglevel } from './log-level';
export { DEFAULT_MAX_BUFFERED_LOG_BYTES, LogOutput, LogOutputStats } from './log-output';
export {
  NodeLoggerOptions,
  PINO_RESERVED_KEYS,
  PinoLogger,
  createNodeLogger,
  withoutReservedKeys,
} from './pino-logger';
export { LogRateLimitOptions, LogRateLimiter, RateLimitedLogger } from './rate-limited-logger';
