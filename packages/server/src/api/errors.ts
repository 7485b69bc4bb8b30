// REST errors: a RoomkitError that also carries its HTTP status (404s), and the one mapping from any
// thrown error to the `{statusCode, error: {code, message}}` body, read from data on the error.
import { ErrorCode, RoomkitError, httpStatusOf, type ErrorCodeName, type RestErrorBody } from '@roomkit/protocol';

/** A RoomkitError whose HTTP status is not the one its code implies (e.g. 404 for an unknown id). */
export class ApiError extends RoomkitError {
  constructor(
    readonly statusCode: number,
    codeName: ErrorCodeName,
    message: string,
  ) {
    super(codeName, message);
    this.name = 'ApiError';
  }
}

export const notFound = (codeName: ErrorCodeName, message: string) => new ApiError(404, codeName, message);

/** Errors fastify raises while reading a request (bad JSON, body too large, content type). */
function frameworkStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export function toErrorResponse(err: unknown): { statusCode: number; body: RestErrorBody } {
  if (err instanceof RoomkitError) {
    const statusCode = err instanceof ApiError ? err.statusCode : httpStatusOf(err.code);
    return { statusCode, body: { statusCode, error: { code: err.code, message: err.message } } };
  }
  const status = frameworkStatus(err);
  if (status === 413) {
    return {
      statusCode: 413,
      body: { statusCode: 413, error: { code: ErrorCode.ERROR_PAYLOAD_TOO_LARGE, message: 'body: larger than the 64 KB limit' } },
    };
  }
  if (status !== undefined) {
    const message = `body: ${(err as Error).message}`;
    return { statusCode: status, body: { statusCode: status, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message } } };
  }
  return {
    statusCode: 500,
    body: { statusCode: 500, error: { code: ErrorCode.SOMETHING_WENT_WRONG, message: 'internal error; see the server log' } },
  };
}
