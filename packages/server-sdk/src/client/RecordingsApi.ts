// `/v2/recordings`: composite, per-participant and per-track recordings.
import type { HttpTransport } from './HttpTransport.js';
import type {
  EgressListOptions, Paged, RecordingResponse, StartParticipantRecordingBody, StartRecordingBody, StartTrackRecordingBody, TrackKind,
} from './types.js';

const listQuery = (o: EgressListOptions & { participantId?: string }) => ({ roomId: o.roomId, sessionId: o.sessionId, participantId: o.participantId, page: o.page, perPage: o.perPage });

export class RecordingsApi {
  readonly #http: HttpTransport;
  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** `POST /v2/recordings/start`: records the room's session as one composite file. */
  start(body: StartRecordingBody): Promise<unknown> {
    return this.#http.request('POST', '/v2/recordings/start', { body });
  }

  /** `POST /v2/recordings/end`. */
  end(roomId: string): Promise<unknown> {
    return this.#http.request('POST', '/v2/recordings/end', { body: { roomId } });
  }

  /** `GET /v2/recordings?roomId=&sessionId=&page=&perPage=`. */
  list(opts: EgressListOptions = {}): Promise<Paged<RecordingResponse>> {
    return this.#http.request('GET', '/v2/recordings', { query: listQuery(opts) });
  }

  /** `GET /v2/recordings/:id`, with `file {fileUrl, size, duration}` once written. */
  get(recordingId: string): Promise<RecordingResponse> {
    return this.#http.request('GET', `/v2/recordings/${encodeURIComponent(recordingId)}`);
  }

  /** `DELETE /v2/recordings/:id`: deletes the record and its file. */
  delete(recordingId: string): Promise<unknown> {
    return this.#http.request('DELETE', `/v2/recordings/${encodeURIComponent(recordingId)}`);
  }

  /** `POST /v2/recordings/participant/start`: one participant's streams. */
  startParticipant(body: StartParticipantRecordingBody): Promise<unknown> {
    return this.#http.request('POST', '/v2/recordings/participant/start', { body });
  }

  /** `POST /v2/recordings/participant/stop`. */
  stopParticipant(body: { roomId: string; participantId: string }): Promise<unknown> {
    return this.#http.request('POST', '/v2/recordings/participant/stop', { body });
  }

  /** `GET /v2/recordings/participant?roomId=&sessionId=&participantId=`. */
  listParticipant(opts: EgressListOptions & { participantId?: string } = {}): Promise<Paged<RecordingResponse>> {
    return this.#http.request('GET', '/v2/recordings/participant', { query: listQuery(opts) });
  }

  /** `GET /v2/recordings/participant/:id`. */
  getParticipant(recordingId: string): Promise<RecordingResponse> {
    return this.#http.request('GET', `/v2/recordings/participant/${encodeURIComponent(recordingId)}`);
  }

  /** `DELETE /v2/recordings/participant/:id`. */
  deleteParticipant(recordingId: string): Promise<unknown> {
    return this.#http.request('DELETE', `/v2/recordings/participant/${encodeURIComponent(recordingId)}`);
  }

  /** `POST /v2/recordings/participant/track/start`: one track of one participant. */
  startTrack(body: StartTrackRecordingBody): Promise<unknown> {
    return this.#http.request('POST', '/v2/recordings/participant/track/start', { body });
  }

  /** `POST /v2/recordings/participant/track/stop`. */
  stopTrack(body: { roomId: string; participantId: string; kind: TrackKind }): Promise<unknown> {
    return this.#http.request('POST', '/v2/recordings/participant/track/stop', { body });
  }

  /** `GET /v2/recordings/participant/track?roomId=&sessionId=&participantId=`. */
  listTracks(opts: EgressListOptions & { participantId?: string } = {}): Promise<Paged<RecordingResponse>> {
    return this.#http.request('GET', '/v2/recordings/participant/track', { query: listQuery(opts) });
  }

  /** `GET /v2/recordings/participant/track/:id`. */
  getTrack(recordingId: string): Promise<RecordingResponse> {
    return this.#http.request('GET', `/v2/recordings/participant/track/${encodeURIComponent(recordingId)}`);
  }

  /** `DELETE /v2/recordings/participant/track/:id`. */
  deleteTrack(recordingId: string): Promise<unknown> {
    return this.#http.request('DELETE', `/v2/recordings/participant/track/${encodeURIComponent(recordingId)}`);
  }
}
