// Errors raised by the media engine; plain data so they survive a worker boundary.
export class MediaError extends Error {
  constructor(
    readonly reason: 'not_found' | 'bad_sdp' | 'closed' | 'internal',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MediaError';
  }
}
