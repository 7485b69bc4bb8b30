// `/v2/sessions`: list and fetch sessions with participant timelogs, end one, remove a participant.
import type { EndSessionBody, ListSessionsResponse, RemoveParticipantBody, SessionResponse } from '@roomkit/protocol/rest';
import type { HttpTransport } from './HttpTransport.js';
import type { ParticipantStatsResponse, SessionStatsResponse } from '@roomkit/protocol';
import type { PageOptions } from './types.js';

/** Paging of stats answers (perPage up to 5000, default 1000) and which samples: the server's (default) or the SDKs'. */
export type StatsOptions = PageOptions & { source?: 'server' | 'sdk' };

export class SessionsApi {
  readonly #http: HttpTransport;
  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** `GET /v2/sessions?roomId=&page=&perPage=`; without roomId, every room's sessions. */
  list(opts: PageOptions & { roomId?: string } = {}): Promise<ListSessionsResponse> {
    return this.#http.request('GET', '/v2/sessions', { query: { roomId: opts.roomId, page: opts.page, perPage: opts.perPage } });
  }

  /** `GET /v2/sessions/:sessionId`, with participants and their `timelog [{start, end}]`. */
  get(sessionId: string): Promise<SessionResponse> {
    return this.#http.request('GET', `/v2/sessions/${encodeURIComponent(sessionId)}`);
  }

  /** `GET /v2/sessions/:sessionId/stats`: call quality over time, every participant of a moment averaged. */
  stats(sessionId: string, opts: StatsOptions = {}): Promise<SessionStatsResponse> {
    return this.#http.request('GET', `/v2/sessions/${encodeURIComponent(sessionId)}/stats`, { query: { page: opts.page, perPage: opts.perPage, source: opts.source } });
  }

  /** `GET /v2/sessions/:sessionId/participant/:participantId/stats`: one participant's call quality over time. */
  participantStats(sessionId: string, participantId: string, opts: StatsOptions = {}): Promise<ParticipantStatsResponse> {
    const path = `/v2/sessions/${encodeURIComponent(sessionId)}/participant/${encodeURIComponent(participantId)}/stats`;
    return this.#http.request('GET', path, { query: { page: opts.page, perPage: opts.perPage, source: opts.source } });
  }

  /** `POST /v2/sessions/end`: ends the room's live session (`{roomId}`) or the one named (`{sessionId}`). */
  end(target: EndSessionBody): Promise<SessionResponse> {
    return this.#http.request('POST', '/v2/sessions/end', { body: target });
  }

  /** `POST /v2/sessions/participants/remove`: they leave with REMOVE_PEER_API 1010; resolves with the session. */
  removeParticipant(body: RemoveParticipantBody): Promise<SessionResponse> {
    return this.#http.request('POST', '/v2/sessions/participants/remove', { body });
  }
}
