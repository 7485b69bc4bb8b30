// `/v2/rooms`: create, list, fetch, validate and deactivate rooms.
import type { CreateRoomBody, ListRoomsResponse, RoomResponse } from '@roomkit/protocol/rest';
import type { HttpTransport } from './HttpTransport.js';
import type { PageOptions } from './types.js';

export class RoomsApi {
  readonly #http: HttpTransport;
  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** `POST /v2/rooms`. With a `customRoomId` that already exists, returns that room. */
  create(body: CreateRoomBody = {}): Promise<RoomResponse> {
    return this.#http.request('POST', '/v2/rooms', { body });
  }

  /** `GET /v2/rooms?page=&perPage=`. */
  list(opts: PageOptions = {}): Promise<ListRoomsResponse> {
    return this.#http.request('GET', '/v2/rooms', { query: { page: opts.page, perPage: opts.perPage } });
  }

  /** `GET /v2/rooms/:roomId`. */
  get(roomId: string): Promise<RoomResponse> {
    return this.#http.request('GET', `/v2/rooms/${encodeURIComponent(roomId)}`);
  }

  /** `GET /v2/rooms/validate/:roomId`: the room if it exists (check `disabled`), else RoomkitApiError 404. */
  validate(roomId: string): Promise<RoomResponse> {
    return this.#http.request('GET', `/v2/rooms/validate/${encodeURIComponent(roomId)}`);
  }

  /** `POST /v2/rooms/deactivate`: the room then refuses joins with MEETING_ID_DISABLED 4052. */
  deactivate(roomId: string): Promise<RoomResponse> {
    return this.#http.request('POST', '/v2/rooms/deactivate', { body: { roomId } });
  }
}
