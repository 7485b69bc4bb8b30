// `/v2/sessions`: list and fetch sessions with participant timelogs, end one, remove a participant.
import type { EndSessionBody, ListSessionsResponse, RemoveParticipantBody, SessionResponse } from '@roomkit/protocol/rest';
import type { HttpTransport } from './HttpTransport.js';
import type { PageOptions } from './types.js';

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

  /** `POST /v2/sessions/end`: ends the room's live session (`{roomId}`) or the one named (`{sessionId}`). */
  end(target: EndSessionBody): Promise<SessionResponse> {
    return this.#http.request('POST', '/v2/sessions/end', { body: target });
  }

  /** `POST /v2/sessions/participants/remove`: they leave with REMOVE_PEER_API 1010; resolves with the session. */
  removeParticipant(body: RemoveParticipantBody): Promise<SessionResponse> {
    return this.#http.request('POST', '/v2/sessions/participants/remove', { body });
  }
}
