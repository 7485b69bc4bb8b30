// `/v2/hls`: interactive HLS of a room's session.
import type { HttpTransport } from './HttpTransport.js';
import type { EgressListOptions, HlsCaptureBody, HlsCaptureResponse, HlsResponse, Paged, StartHlsBody } from './types.js';

export class HlsApi {
  readonly #http: HttpTransport;
  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** `POST /v2/hls/start` → `{id, sessionId, playbackHlsUrl, livestreamUrl}`. */
  start(body: StartHlsBody): Promise<HlsResponse> {
    return this.#http.request('POST', '/v2/hls/start', { body });
  }

  /** `POST /v2/hls/end`: waits until it stopped; the final record. */
  end(roomId: string): Promise<HlsResponse> {
    return this.#http.request('POST', '/v2/hls/end', { body: { roomId } });
  }

  /**
   * `POST /v2/hls/capture`: a JPEG thumbnail of the room's running stream; `filePath` is its URL.
   * 409 (HLS_FAILED) without a playable stream, 429 (RATE_LIMITED) while another capture of it runs.
   */
  capture(body: HlsCaptureBody): Promise<HlsCaptureResponse> {
    return this.#http.request('POST', '/v2/hls/capture', { body });
  }

  /** `GET /v2/hls?roomId=&sessionId=&page=&perPage=`. */
  list(opts: EgressListOptions = {}): Promise<Paged<HlsResponse>> {
    return this.#http.request('GET', '/v2/hls', {
      query: { roomId: opts.roomId, sessionId: opts.sessionId, page: opts.page, perPage: opts.perPage },
    });
  }
}
