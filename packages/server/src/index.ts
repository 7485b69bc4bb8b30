// @roomkit/server's public face for embedding: start a server from a config in your own process,
// load the config as the CLI does (defaults < file < env < flags), or run a CLI command line.
export { startServer, type RunningServer, type StartServerOptions } from './server.js';
export { loadConfig, type LoadConfigOptions } from './config/loadConfig.js';
export { ConfigError } from './config/errors.js';
export type { Config } from './config/schema.js';
export { runCli, version, type CliIo } from './cli.js';
