import { RNS_ERR_CONFIG, RnsErrorCode } from './error-codes';

/**
 * Base of every error this runtime throws on purpose. Callers branch on the stable `code`
 * (undici-style), not on `instanceof`, so errors survive duplicate package copies.
 */
export class RnsError extends Error {
  /** A stable, machine-readable code such as `RNS_ERR_CONFIG` (see `error-codes.ts`). */
  readonly code: RnsErrorCode;

  constructor(code: RnsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RnsError';
    this.code = code;
  }
}

/**
 * A config value that cannot be used. It names where: the section (interface name) and the key,
 * and, when the config came from a file, the file and line.
 */
export class ConfigError extends RnsError {
  /** The section (for an interface: its name), if known. */
  readonly section: string | undefined;
  /** The key, if the error is about one key. */
  readonly key: string | undefined;
  /** The config file, if known. */
  readonly file: string | undefined;
  /** The 1-based line in `file`, if known. */
  readonly line: number | undefined;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(
    detail: string,
    where: { section?: string; key?: string; file?: string; line?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(RNS_ERR_CONFIG, ConfigError.format(detail, where), options);
    this.name = 'ConfigError';
    this.detail = detail;
    this.section = where.section;
    this.key = where.key;
    this.file = where.file;
    this.line = where.line;
  }

  /** A copy of this error with the file and line filled in (for errors found after parsing). */
  at(file: string | undefined, line: number | undefined): ConfigError {
    return new ConfigError(
      this.detail,
      { section: this.section, key: this.key, file: file ?? this.file, line: line ?? this.line },
      { cause: this.cause },
    );
  }

  private static format(
    detail: string,
    where: { section?: string; key?: string; file?: string; line?: number },
  ): string {
    const parts: string[] = [];
    if (where.file !== undefined)
      parts.push(where.line !== undefined ? `${where.file}:${where.line}` : where.file);
    if (where.section !== undefined) parts.push(`[${where.section}]`);
    if (where.key !== undefined) parts.push(`'${where.key}'`);
    return parts.length > 0 ? `${parts.join(' ')}: ${detail}` : detail;
  }
}
