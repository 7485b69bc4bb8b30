// Command-line splitting shared by the CLI and the config loader: `--x value` and `--x=value`.

/** The command line is malformed (missing value, value given to a switch). */
export class ArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgsError';
  }
}

/** 'value' flags take an argument; 'boolean' flags are switches. */
export type FlagSpec = Readonly<Record<string, 'value' | 'boolean'>>;

export interface TakenFlags {
  /** Flag name (without `--`) → its value, or `true` for a switch. The last occurrence wins. */
  values: Record<string, string | true>;
  /** Everything not named in the spec, in its original order (with its value, if it had one). */
  rest: string[];
}

/**
 * Pulls the flags named in `spec` out of `argv`. Unknown flags are left in `rest` together with
 * a following value-looking argument, so a later parser can take them or reject them.
 */
export function takeFlags(argv: readonly string[], spec: FlagSpec): TakenFlags {
  const values: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) {
      rest.push(arg);
      const next = argv[i + 1];
      if (inline === undefined && next !== undefined && !next.startsWith('-')) rest.push(argv[++i]);
      continue;
    }
    if (kind === 'boolean') {
      if (inline !== undefined) throw new ArgsError(`flag --${name} takes no value (got "${arg}")`);
      values[name] = true;
      continue;
    }
    if (inline !== undefined) {
      values[name] = inline;
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) {
      throw new ArgsError(`flag --${name} needs a value: --${name} <value> or --${name}=<value>`);
    }
    values[name] = next;
    i++;
  }
  return { values, rest };
}

/** Splits `[command, ...args]`; a leading flag (e.g. `--help`) means no command was given. */
export function splitCommand(argv: readonly string[]): { command?: string; args: string[] } {
  const [first, ...args] = argv;
  if (first === undefined || first.startsWith('-')) return { args: [...argv] };
  return { command: first, args };
}
