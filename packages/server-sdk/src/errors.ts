// Errors the REST client throws: the server answered with an error, or could not be reached.

/** The server answered with an error: `{statusCode, error: {code, message}}` (API.md error codes). */
export class RoomkitApiError extends Error {
  /** HTTP status. */
  readonly statusCode: number;
  /** API error code, e.g. 4003 INVALID_MEETING_ID; 0 when the body was not a Roomkit error. */
  readonly code: number;
  readonly method: string;
  readonly path: string;
  constructor(init: { statusCode: number; code: number; message: string; method: string; path: string }, options?: { cause?: unknown }) {
    super(init.message, options);
    this.name = 'RoomkitApiError';
    this.statusCode = init.statusCode;
    this.code = init.code;
    this.method = init.method;
    this.path = init.path;
  }
}

/** No HTTP answer at all: the server is down, the URL is wrong, or the request timed out. */
export class RoomkitConnectionError extends Error {
  readonly url: string;
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoomkitConnectionError';
    this.url = url;
  }
}
