// `roomkit rooms create|list|get|validate|deactivate`: the REST rooms API from the command line.
import type { RoomResponse } from '@roomkit/server-sdk';
import { ArgsError } from '../cliArgs.js';
import { CLIENT_FLAGS_HELP, callApi, details, intFlag, parseCommand, stringFlag, table, takePositionals, type CliIo } from './common.js';

export const ROOMS_USAGE = `Usage: roomkit rooms <subcommand> [flags]

Subcommands:
  create [--custom-room-id <id>] [--webhook-url <url> [--webhook-events <list>]]
  list [--page <n>] [--per-page <n>]
  get <roomId>
  validate <roomId>
  deactivate <roomId>

Run "roomkit rooms <subcommand> --help" for its flags.
`;

const USAGES: Record<string, string> = {
  create: `Usage: roomkit rooms create [flags]

Creates a room and prints it (with a customRoomId that exists, prints that room).

  --custom-room-id <id>     your own id for the room
  --webhook-url <url>       where this room's webhooks go
  --webhook-events <list>   comma-separated event names or patterns (default *), e.g.
                            session-started,participant-*
`,
  list: `Usage: roomkit rooms list [flags]

Lists rooms, newest first, one page at a time.

  --page <n>                page number (default 1)
  --per-page <n>            rooms per page (default 20, at most 100)
`,
  get: `Usage: roomkit rooms get <roomId> [flags]

Prints one room.
`,
  validate: `Usage: roomkit rooms validate <roomId> [flags]

Prints the room if it exists ("status" says whether it is deactivated); exits 1 if it does not.
`,
  deactivate: `Usage: roomkit rooms deactivate <roomId> [flags]

Deactivates a room: joining it then fails with MEETING_ID_DISABLED (4052).
`,
};

const FLAGS: Record<string, Record<string, 'value' | 'boolean'>> = {
  create: { 'custom-room-id': 'value', 'webhook-url': 'value', 'webhook-events': 'value' },
  list: { page: 'value', 'per-page': 'value' },
  get: {},
  validate: {},
  deactivate: {},
};

export async function runRooms(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const help = rest.includes('--help') || rest.includes('-h');
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    if (sub === undefined) {
      io.stderr(ROOMS_USAGE);
      return 2;
    }
    io.stdout(ROOMS_USAGE);
    return 0;
  }
  if (!Object.hasOwn(USAGES, sub)) throw new ArgsError(`unknown subcommand "rooms ${sub}"; one of: ${Object.keys(USAGES).join(', ')}`);
  if (help) {
    io.stdout(`${USAGES[sub]}${CLIENT_FLAGS_HELP}`);
    return 0;
  }
  const { values, positionals, client, json } = parseCommand(rest, FLAGS[sub]!, io, `rooms ${sub}`);
  switch (sub) {
    case 'create': {
      takePositionals(positionals, [], 'rooms create');
      const customRoomId = stringFlag(values, 'custom-room-id');
      const endPoint = stringFlag(values, 'webhook-url');
      const events = stringFlag(values, 'webhook-events');
      if (events !== undefined && endPoint === undefined) throw new ArgsError('--webhook-events needs --webhook-url');
      const webhook = endPoint === undefined
        ? undefined
        : { endPoint, events: (events ?? '*').split(',').map((e) => e.trim()).filter(Boolean) };
      return callApi(io, json, () => client.rooms.create({ customRoomId, webhook }), roomDetails);
    }
    case 'list': {
      takePositionals(positionals, [], 'rooms list');
      const page = intFlag(values, 'page');
      const perPage = intFlag(values, 'per-page');
      return callApi(io, json, () => client.rooms.list({ page, perPage }), (r) => {
        const rows = r.data.map((room) => [room.roomId, room.customRoomId, room.disabled ? 'deactivated' : 'active', room.createdAt]);
        const { currentPage, lastPage, total } = r.pageInfo;
        return `${table(['ROOM ID', 'CUSTOM ID', 'STATUS', 'CREATED'], rows)}page ${currentPage} of ${Math.max(lastPage, 1)}, ${total} room${total === 1 ? '' : 's'}\n`;
      });
    }
    default: {
      const [roomId] = takePositionals(positionals, ['roomId'], `rooms ${sub}`);
      const call = sub === 'get' ? client.rooms.get : sub === 'validate' ? client.rooms.validate : client.rooms.deactivate;
      return callApi(io, json, () => call.call(client.rooms, roomId!), roomDetails);
    }
  }
}

function roomDetails(room: RoomResponse): string {
  return details([
    ['roomId', room.roomId],
    ['customRoomId', room.customRoomId],
    ['status', room.disabled ? 'deactivated' : 'active'],
    ['createdAt', room.createdAt],
    ['updatedAt', room.updatedAt],
    ['webhook', room.webhook ? `${room.webhook.endPoint} (${room.webhook.events.join(', ')})` : null],
    ['autoClose', room.autoCloseConfig],
  ]);
}
