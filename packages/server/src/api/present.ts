// Store records as REST responses: ISO times, VideoSDK field names, links, pages.
import type { FastifyRequest } from 'fastify';
import type { PageInfo, Paged, RoomResponse, SessionResponse } from '@roomkit/protocol';
import type { PageRequest, PageResult, StoredRoom, StoredSession } from '../store/Store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** `scheme://host` the client addressed, through a trusted proxy's headers (http/createHttpApp.ts). */
    publicOrigin?: string;
  }
}

/** Where this server is reached, as the client addressed it (for `links`, `fileUrl`, HLS URLs). */
export function baseUrl(req: FastifyRequest): string {
  return req.publicOrigin ?? `${req.protocol}://${req.host}`;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function roomResponse(room: StoredRoom, base: string): RoomResponse {
  return {
    roomId: room.roomId,
    id: room.id,
    customRoomId: room.customRoomId,
    disabled: room.disabled,
    createdAt: room.createdAt.toISOString(),
    updatedAt: room.updatedAt.toISOString(),
    webhook: room.webhook,
    autoCloseConfig: room.autoCloseConfig,
    links: {
      get_room: `${base}/v2/rooms/${encodeURIComponent(room.roomId)}`,
      get_session: `${base}/v2/sessions?roomId=${encodeURIComponent(room.roomId)}`,
    },
  };
}

export function sessionResponse(session: StoredSession, base: string): SessionResponse {
  return {
    id: session.id,
    roomId: session.roomId,
    start: session.start.toISOString(),
    end: iso(session.end),
    status: session.end === null ? 'ongoing' : 'ended',
    participants: session.participants.map((p) => ({
      participantId: p.participantId,
      name: p.name,
      timelog: p.timelog.map((t) => ({ start: t.start.toISOString(), end: iso(t.end) })),
    })),
    links: {
      get_room: `${base}/v2/rooms/${encodeURIComponent(session.roomId)}`,
      get_session: `${base}/v2/sessions/${encodeURIComponent(session.id)}`,
    },
  };
}

export function paged<T, R>(result: PageResult<T>, page: PageRequest, present: (item: T) => R): Paged<R> {
  const pageInfo: PageInfo = {
    currentPage: page.page,
    perPage: page.perPage,
    lastPage: Math.max(1, Math.ceil(result.total / page.perPage)),
    total: result.total,
  };
  return { pageInfo, data: result.items.map(present) };
}
