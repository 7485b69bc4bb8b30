// `/v2/livestreams`: RTMP output of a room's session to one or more ingest URLs.
import type { HttpTransport } from './HttpTransport.js';
import type { EgressListOptions, LivestreamResponse, Paged, StartLivestreamBody } from './types.js';

export class LivestreamsApi {
  readonly #http: HttpTransport;
  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** `POST /v2/livestreams/start` → the livestream with each destination's status. */
  start(body: StartLivestreamBody): Promise<LivestreamResponse> {
    return this.#http.request('POST', '/v2/livestreams/start', { body });
  }

  /** `POST /v2/livestreams/end`: waits until it stopped; the final record. */
  end(roomId: string): Promise<LivestreamResponse> {
    return this.#http.request('POST', '/v2/livestreams/end', { body: { roomId } });
  }

  /** `GET /v2/livestreams?roomId=&sessionId=&page=&perPage=`. */
  list(opts: EgressListOptions = {}): Promise<Paged<LivestreamResponse>> {
    return this.#http.request('GET', '/v2/livestreams', {
      query: { roomId: opts.roomId, sessionId: opts.sessionId, page: opts.page, perPage: opts.perPage },
    });
  }
}
