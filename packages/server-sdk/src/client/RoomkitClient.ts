// The typed REST API v2 client: one object per resource, sharing one authenticated transport.
import { HlsApi } from './HlsApi.js';
import { HttpTransport, type RoomkitClientOptions } from './HttpTransport.js';
import { LivestreamsApi } from './LivestreamsApi.js';
import { RecordingsApi } from './RecordingsApi.js';
import { RoomsApi } from './RoomsApi.js';
import { SessionsApi } from './SessionsApi.js';

/**
 * `new RoomkitClient({ baseUrl, apiKey, secretKey })` mints its own short-lived crawler tokens;
 * `new RoomkitClient({ baseUrl, token })` uses the token given. Every method resolves with the
 * server's JSON, or rejects with RoomkitApiError (an HTTP error answer) or RoomkitConnectionError.
 */
export class RoomkitClient {
  readonly baseUrl: string;
  readonly rooms: RoomsApi;
  readonly sessions: SessionsApi;
  readonly recordings: RecordingsApi;
  readonly livestreams: LivestreamsApi;
  readonly hls: HlsApi;

  constructor(options: RoomkitClientOptions) {
    const http = new HttpTransport(options);
    this.baseUrl = http.baseUrl;
    this.rooms = new RoomsApi(http);
    this.sessions = new SessionsApi(http);
    this.recordings = new RecordingsApi(http);
    this.livestreams = new LivestreamsApi(http);
    this.hls = new HlsApi(http);
  }
}
