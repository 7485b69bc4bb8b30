// `roomkit sessions list|get|end`: the REST sessions API from the command line.
import type { SessionResponse } from '@roomkit/server-sdk';
import { ArgsError } from '../cliArgs.js';
import { CLIENT_FLAGS_HELP, callApi, details, intFlag, parseCommand, stringFlag, table, takePositionals, type CliIo } from './common.js';

export const SESSIONS_USAGE = `Usage: roomkit sessions <subcommand> [flags]

Subcommands:
  list [--room <roomId>] [--page <n>] [--per-page <n>]
  get <sessionId>
  end (--room <roomId> | --session <sessionId>)

Run "roomkit sessions <subcommand> --help" for its flags.
`;

const USAGES: Record<string, string> = {
  list: `Usage: roomkit sessions list --room <roomId> [flags]

Lists a room's sessions, newest first (without --room: every room's).

  --room <roomId>           the room
  --page <n>                page number (default 1)
  --per-page <n>            sessions per page (default 20, at most 100)
`,
  get: `Usage: roomkit sessions get <sessionId> [flags]

Prints a session and each participant's stays (timelog).
`,
  end: `Usage: roomkit sessions end (--room <roomId> | --session <sessionId>) [flags]

Ends a session for everyone in it: the room's live session, or the session named.

  --room <roomId>           end this room's live session
  --session <sessionId>     end this session
`,
};

const FLAGS: Record<string, Record<string, 'value' | 'boolean'>> = {
  list: { room: 'value', page: 'value', 'per-page': 'value' },
  get: {},
  end: { room: 'value', session: 'value' },
};

export async function runSessions(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    if (sub === undefined) {
      io.stderr(SESSIONS_USAGE);
      return 2;
    }
    io.stdout(SESSIONS_USAGE);
    return 0;
  }
  if (!Object.hasOwn(USAGES, sub)) throw new ArgsError(`unknown subcommand "sessions ${sub}"; one of: ${Object.keys(USAGES).join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${USAGES[sub]}${CLIENT_FLAGS_HELP}`);
    return 0;
  }
  const { values, positionals, client, json } = parseCommand(rest, FLAGS[sub]!, io, `sessions ${sub}`);
  switch (sub) {
    case 'list': {
      takePositionals(positionals, [], 'sessions list');
      const roomId = stringFlag(values, 'room');
      const page = intFlag(values, 'page');
      const perPage = intFlag(values, 'per-page');
      return callApi(io, json, () => client.sessions.list({ roomId, page, perPage }), (r) => {
        const rows = r.data.map((s) => [s.id, s.roomId, s.status, s.start, s.end, s.participants.length]);
        const { currentPage, lastPage, total } = r.pageInfo;
        return `${table(['SESSION ID', 'ROOM ID', 'STATUS', 'START', 'END', 'PARTICIPANTS'], rows)}page ${currentPage} of ${Math.max(lastPage, 1)}, ${total} session${total === 1 ? '' : 's'}\n`;
      });
    }
    case 'get': {
      const [sessionId] = takePositionals(positionals, ['sessionId'], 'sessions get');
      return callApi(io, json, () => client.sessions.get(sessionId!), sessionDetails);
    }
    default: {
      takePositionals(positionals, [], 'sessions end');
      const roomId = stringFlag(values, 'room');
      const sessionId = stringFlag(values, 'session');
      if ((roomId === undefined) === (sessionId === undefined)) throw new ArgsError('sessions end needs exactly one of --room <roomId> or --session <sessionId>');
      const target = roomId !== undefined ? { roomId } : { sessionId: sessionId! };
      return callApi(io, json, () => client.sessions.end(target), sessionDetails);
    }
  }
}

function sessionDetails(s: SessionResponse): string {
  const head = details([['sessionId', s.id], ['roomId', s.roomId], ['status', s.status], ['start', s.start], ['end', s.end]]);
  if (!s.participants?.length) return `${head}participants: none\n`;
  const rows = s.participants.flatMap((p) => p.timelog.map((t, i) => [i === 0 ? p.participantId : '', i === 0 ? p.name : '', t.start, t.end ?? 'present']));
  return `${head}\n${table(['PARTICIPANT', 'NAME', 'JOINED', 'LEFT'], rows)}`;
}
