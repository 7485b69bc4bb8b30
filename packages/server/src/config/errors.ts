// Errors raised while assembling the server configuration at boot.

/** A configuration value is wrong; the message names the key, the value and where it came from. */
export class ConfigError extends Error {
  /** Config key concerned (dotted path, e.g. `limits.messageBurst`), when one is. */
  readonly key?: string;
  /** Where the bad value came from: a file path, an env var name or a flag. */
  readonly source?: string;
  constructor(message: string, options?: { key?: string; source?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConfigError';
    this.key = options?.key;
    this.source = options?.source;
  }
}
