// `roomkit recordings|livestreams|hls …`: start, stop and list a room's recordings, RTMP
// livestreams and HLS streams through the REST API, as `rooms` and `sessions` do for rooms.
import type { HlsResponse, LivestreamResponse, Paged, RecordingResponse } from '@roomkit/server-sdk';
import { ArgsError } from '../cliArgs.js';
import { callApi, details, intFlag, stringFlag, table, takePositionals, type ParsedCommand } from './common.js';
import { runSubcommands, type Subcommand } from './subcommands.js';
import type { CliIo } from './common.js';

const LIST_FLAGS = { room: 'value', session: 'value', page: 'value', 'per-page': 'value' } as const;
const LIST_HELP = `  --room <roomId>           only this room's
  --session <sessionId>     only this session's
  --page <n>                page number (default 1)
  --per-page <n>            items per page (default 20, at most 100)
`;

function requiredRoom(values: ParsedCommand['values'], command: string): string {
  const roomId = stringFlag(values, 'room');
  if (roomId === undefined) throw new ArgsError(`${command} needs --room <roomId>`);
  return roomId;
}

function listOptions({ values, positionals }: ParsedCommand, command: string) {
  takePositionals(positionals, [], command);
  return { roomId: stringFlag(values, 'room'), sessionId: stringFlag(values, 'session'), page: intFlag(values, 'page'), perPage: intFlag(values, 'per-page') };
}

function pageFooter<T>(r: Paged<T>, noun: string): string {
  const { currentPage, lastPage, total } = r.pageInfo;
  return `page ${currentPage} of ${Math.max(lastPage, 1)}, ${total} ${noun}${total === 1 ? '' : 's'}\n`;
}

/** A response object's fields as `key: value` lines. */
const fields = (o: unknown) => details(Object.entries(o as Record<string, unknown>));

function recordingDetails(r: RecordingResponse): string {
  return details([
    ['id', r.id], ['roomId', r.roomId], ['sessionId', r.sessionId], ['status', r.status], ['start', r.start], ['end', r.end],
    ['participantId', r.participantId], ['kind', r.kind], ['fileUrl', r.file?.fileUrl], ['size', r.file?.size], ['duration', r.file?.duration],
  ]);
}

const RECORDINGS: Record<string, Subcommand> = {
  start: {
    synopsis: 'start --room <roomId> [--webhook-url <url>]',
    help: `Starts recording the room's live session (one composite MP4).\n\n  --room <roomId>           the room (it needs a live session)\n  --webhook-url <url>       where recording-* webhooks of this recording go\n`,
    flags: { room: 'value', 'webhook-url': 'value' },
    run: ({ values, positionals, client, json }, io) => {
      takePositionals(positionals, [], 'recordings start');
      const roomId = requiredRoom(values, 'recordings start');
      return callApi(io, json, () => client.recordings.start({ roomId, webhookUrl: stringFlag(values, 'webhook-url') }), fields);
    },
  },
  stop: {
    synopsis: 'stop --room <roomId>',
    help: `Stops the room's recording and prints it (with its file once written).\n\n  --room <roomId>           the room\n`,
    flags: { room: 'value' },
    run: ({ values, positionals, client, json }, io) => {
      takePositionals(positionals, [], 'recordings stop');
      return callApi(io, json, () => client.recordings.end(requiredRoom(values, 'recordings stop')), (r) => ((r as RecordingResponse).id ? recordingDetails(r as RecordingResponse) : fields(r)));
    },
  },
  list: {
    synopsis: 'list [--room <roomId>] [--session <sessionId>] [--page <n>] [--per-page <n>]',
    help: `Lists composite recordings, newest first.\n\n${LIST_HELP}`,
    flags: LIST_FLAGS,
    run: (parsed, io) =>
      callApi(io, parsed.json, () => parsed.client.recordings.list(listOptions(parsed, 'recordings list')), (r) => {
        const rows = r.data.map((x) => [x.id, x.roomId, x.sessionId, String(x.status), x.start, x.end, x.file ? `${Math.round(x.file.duration)} s` : null]);
        return `${table(['RECORDING ID', 'ROOM ID', 'SESSION ID', 'STATUS', 'START', 'END', 'DURATION'], rows)}${pageFooter(r, 'recording')}`;
      }),
  },
  get: {
    synopsis: 'get <recordingId>',
    help: 'Prints a recording: its status and, once written, its file URL, size and duration.\n',
    flags: {},
    run: ({ positionals, client, json }, io) => {
      const [id] = takePositionals(positionals, ['recordingId'], 'recordings get');
      return callApi(io, json, () => client.recordings.get(id!), recordingDetails);
    },
  },
  delete: {
    synopsis: 'delete <recordingId>',
    help: 'Deletes a recording and its file (stops it first if it is still running). Operator only.\n',
    flags: {},
    run: ({ positionals, client, json }, io) => {
      const [id] = takePositionals(positionals, ['recordingId'], 'recordings delete');
      return callApi(io, json, () => client.recordings.delete(id!), fields);
    },
  },
};

function livestreamDetails(l: LivestreamResponse): string {
  const head = details([['id', l.id], ['roomId', l.roomId], ['sessionId', l.sessionId], ['status', l.status], ['start', l.start], ['end', l.end], ['error', l.error]]);
  return `${head}${table(['DESTINATION', 'STATUS', 'ERROR'], l.outputs.map((o) => [o.url, o.status, o.error]))}`;
}

const LIVESTREAMS: Record<string, Subcommand> = {
  start: {
    synopsis: 'start --room <roomId> --rtmp-url <url> [--stream-key <key>]',
    help: `Streams the room's composite to an RTMP destination (YouTube, Twitch, your own server).\n\n  --room <roomId>           the room (it needs a live session)\n  --rtmp-url <url>          rtmp:// or rtmps:// URL of the ingest\n  --stream-key <key>        the destination's stream key (appended to the URL)\n`,
    flags: { room: 'value', 'rtmp-url': 'value', 'stream-key': 'value' },
    run: ({ values, positionals, client, json }, io) => {
      takePositionals(positionals, [], 'livestreams start');
      const roomId = requiredRoom(values, 'livestreams start');
      const url = stringFlag(values, 'rtmp-url');
      if (url === undefined) throw new ArgsError('livestreams start needs --rtmp-url <url>');
      const streamKey = stringFlag(values, 'stream-key') ?? '';
      return callApi(io, json, () => client.livestreams.start({ roomId, outputs: [{ url, streamKey }] }), livestreamDetails);
    },
  },
  stop: {
    synopsis: 'stop --room <roomId>',
    help: `Stops the room's livestream.\n\n  --room <roomId>           the room\n`,
    flags: { room: 'value' },
    run: ({ values, positionals, client, json }, io) => {
      takePositionals(positionals, [], 'livestreams stop');
      return callApi(io, json, () => client.livestreams.end(requiredRoom(values, 'livestreams stop')), (r) => ((r as LivestreamResponse).outputs ? livestreamDetails(r) : fields(r)));
    },
  },
  list: {
    synopsis: 'list [--room <roomId>] [--session <sessionId>] [--page <n>] [--per-page <n>]',
    help: `Lists livestreams, newest first.\n\n${LIST_HELP}`,
    flags: LIST_FLAGS,
    run: (parsed, io) =>
      callApi(io, parsed.json, () => parsed.client.livestreams.list(listOptions(parsed, 'livestreams list')), (r) => {
        const rows = r.data.map((x) => [x.id, x.roomId, x.status, x.start, x.end, x.outputs.map((o) => `${o.url} (${o.status})`).join(', ')]);
        return `${table(['LIVESTREAM ID', 'ROOM ID', 'STATUS', 'START', 'END', 'DESTINATIONS'], rows)}${pageFooter(r, 'livestream')}`;
      }),
  },
};

const hlsDetails = (h: HlsResponse) =>
  details([['id', h.id], ['roomId', h.roomId], ['sessionId', h.sessionId], ['status', h.status], ['playable', h.playable], ['start', h.start], ['end', h.end],
    ['playbackHlsUrl', h.playbackHlsUrl], ['livestreamUrl', h.livestreamUrl], ['recordingUrl', h.recordingUrl]]);

const HLS: Record<string, Subcommand> = {
  start: {
    synopsis: 'start --room <roomId> [--record]',
    help: `Starts HLS for the room's live session and prints its playlist URLs.\n\n  --room <roomId>           the room (it needs a live session)\n  --record                  keep the stream: a VOD playlist and an MP4 once it ends\n`,
    flags: { room: 'value', record: 'boolean' },
    run: ({ values, positionals, client, json }, io) => {
      takePositionals(positionals, [], 'hls start');
      const roomId = requiredRoom(values, 'hls start');
      const config = values.record === true ? { recording: { enabled: true } } : undefined;
      return callApi(io, json, () => client.hls.start({ roomId, ...(config ? { config } : {}) }), hlsDetails);
    },
  },
  stop: {
    synopsis: 'stop --room <roomId>',
    help: `Stops the room's HLS stream.\n\n  --room <roomId>           the room\n`,
    flags: { room: 'value' },
    run: ({ values, positionals, client, json }, io) => {
      takePositionals(positionals, [], 'hls stop');
      return callApi(io, json, () => client.hls.end(requiredRoom(values, 'hls stop')), hlsDetails);
    },
  },
  list: {
    synopsis: 'list [--room <roomId>] [--session <sessionId>] [--page <n>] [--per-page <n>]',
    help: `Lists HLS streams, newest first.\n\n${LIST_HELP}`,
    flags: LIST_FLAGS,
    run: (parsed, io) =>
      callApi(io, parsed.json, () => parsed.client.hls.list(listOptions(parsed, 'hls list')), (r) => {
        const rows = r.data.map((x) => [x.id, x.roomId, x.status, x.start, x.end, x.playbackHlsUrl]);
        return `${table(['HLS ID', 'ROOM ID', 'STATUS', 'START', 'END', 'PLAYLIST'], rows)}${pageFooter(r, 'HLS stream')}`;
      }),
  },
};

export const EGRESS_COMMANDS = { recordings: RECORDINGS, livestreams: LIVESTREAMS, hls: HLS } as const;

export function runEgressCommand(command: keyof typeof EGRESS_COMMANDS, args: readonly string[], io: CliIo): Promise<number> {
  return runSubcommands(command, EGRESS_COMMANDS[command], args, io);
}
