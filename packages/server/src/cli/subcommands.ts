// One REST command with subcommands (`roomkit recordings list …`): usage and --help handling, flag
// parsing through parseCommand, then the subcommand's own call. Each subcommand is data: its usage
// text, its flags and what it does with them.
import { ArgsError, type FlagSpec } from '../cliArgs.js';
import { CLIENT_FLAGS_HELP, parseCommand, type CliIo, type ParsedCommand } from './common.js';

export interface Subcommand {
  /** One line for the command's usage: `list [--room <roomId>]`. */
  synopsis: string;
  /** The subcommand's --help text (the shared --url/--json help is appended). */
  help: string;
  flags: FlagSpec;
  run(parsed: ParsedCommand, io: CliIo): Promise<number>;
}

export function commandUsage(command: string, subcommands: Record<string, Subcommand>): string {
  const lines = Object.values(subcommands).map((s) => `  ${s.synopsis}`);
  return `Usage: roomkit ${command} <subcommand> [flags]\n\nSubcommands:\n${lines.join('\n')}\n\nRun "roomkit ${command} <subcommand> --help" for its flags.\n`;
}

/** Runs `roomkit <command> <subcommand> …`; usage errors throw ArgsError (exit 2 in runCli). */
export async function runSubcommands(command: string, subcommands: Record<string, Subcommand>, args: readonly string[], io: CliIo): Promise<number> {
  const usage = commandUsage(command, subcommands);
  const [name, ...rest] = args;
  if (name === undefined) {
    io.stderr(usage);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage);
    return 0;
  }
  const sub = Object.hasOwn(subcommands, name) ? subcommands[name]! : undefined;
  if (!sub) throw new ArgsError(`unknown subcommand "${command} ${name}"; one of: ${Object.keys(subcommands).join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: roomkit ${command} ${sub.synopsis} [flags]\n\n${sub.help}${CLIENT_FLAGS_HELP}`);
    return 0;
  }
  return sub.run(parseCommand(rest, sub.flags, io, `${command} ${name}`), io);
}
