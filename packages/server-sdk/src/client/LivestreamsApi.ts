// `/v2/livestreams`: RTMP output of a room's session to one or more ingest URLs.
import type { HttpTransport } from './HttpTransport.js';
import type { EgressListOptions, LivestreamResponse, Paged, StartLivestreamBody } from './types.js';

export class LivestreamsApi {
  readonly #http: HttpTransport;
  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** `POST /v2/livestreams/start`. */
  start(body: StartLivestreamBody): Promise<unknown> {
    return this.#http.request('POST', '/v2/livestreams/start', { body });
  }

  /** `POST /v2/livestreams/end`. */
  end(roomId: string): Promise<unknown> {
    return this.#http.request('POST', '/v2/livestreams/end', { body: { roomId } });
  }

  /** `GET /v2/livestreams?roomId=&sessionId=&page=&perPage=`. */
  list(opts: EgressListOptions = {}): Promise<Paged<LivestreamResponse>> {
    return this.#http.request('GET', '/v2/livestreams', {
      query: { roomId: opts.roomId, sessionId: opts.sessionId, page: opts.page, perPage: opts.perPage },
    });
  }
}
