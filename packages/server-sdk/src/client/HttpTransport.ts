// Sends one REST call: auth header (minting short-lived crawler tokens when given the key pair),
// JSON in and out, and server errors turned into RoomkitApiError.
import { RoomkitApiError, RoomkitConnectionError } from '../errors.js';
import { generateToken } from '../token.js';

export type RoomkitClientOptions =
  | { baseUrl: string; apiKey: string; secretKey: string; token?: never; timeoutMs?: number; fetch?: typeof fetch }
  | { baseUrl: string; token: string; apiKey?: never; secretKey?: never; timeoutMs?: number; fetch?: typeof fetch };

export type QueryValue = string | number | undefined;

/** Lifetime of the tokens the client mints for itself, and how early it replaces one. */
const MINTED_TOKEN_TTL_SECONDS = 10 * 60;
const MINTED_TOKEN_REFRESH_SECONDS = 60;
const DEFAULT_TIMEOUT_MS = 30_000;

export class HttpTransport {
  readonly baseUrl: string;
  readonly #options: RoomkitClientOptions;
  readonly #fetch: typeof fetch;
  #minted?: { token: string; exp: number };

  constructor(options: RoomkitClientOptions) {
    if (typeof options?.baseUrl !== 'string' || options.baseUrl === '') throw new TypeError('RoomkitClient: baseUrl is required');
    const hasKeys = typeof options.apiKey === 'string' && typeof options.secretKey === 'string';
    if (!hasKeys && typeof options.token !== 'string') {
      throw new TypeError('RoomkitClient: pass either {apiKey, secretKey} or {token}');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  #authorization(): string {
    const opts = this.#options;
    if (opts.token !== undefined) return opts.token;
    const now = Date.now() / 1000;
    if (!this.#minted || this.#minted.exp - MINTED_TOKEN_REFRESH_SECONDS < now) {
      const token = generateToken({
        apiKey: opts.apiKey!,
        secretKey: opts.secretKey!,
        permissions: ['allow_join', 'allow_mod'],
        roles: ['crawler'],
        expiresIn: MINTED_TOKEN_TTL_SECONDS,
      });
      this.#minted = { token, exp: now + MINTED_TOKEN_TTL_SECONDS };
    }
    return this.#minted.token;
  }

  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, opts: { query?: Record<string, QueryValue>; body?: unknown } = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { authorization: this.#authorization(), accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.#fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (err) {
      // fetch wraps the socket error: its cause carries the useful part (ECONNREFUSED, ENOTFOUND).
      const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
      const why = err instanceof Error && err.name === 'TimeoutError'
        ? `no answer within ${this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
        : typeof cause?.code === 'string' ? cause.code
        : typeof cause?.message === 'string' ? cause.message
        : err instanceof Error ? err.message : String(err);
      throw new RoomkitConnectionError(this.baseUrl, `cannot reach the Roomkit server at ${this.baseUrl} (${why})`, { cause: err });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) throw toApiError(res.status, json, text, method, path);
    if (json === undefined && text !== '') {
      throw new RoomkitApiError({ statusCode: res.status, code: 0, message: `${method} ${path}: response is not JSON`, method, path });
    }
    return json as T;
  }
}

function toApiError(status: number, json: unknown, text: string, method: string, path: string): RoomkitApiError {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    const code = typeof error.code === 'number' ? error.code : 0;
    return new RoomkitApiError({ statusCode: status, code, message: error.message, method, path });
  }
  const snippet = text.trim().slice(0, 200);
  return new RoomkitApiError({
    statusCode: status,
    code: 0,
    message: `${method} ${path} failed with HTTP ${status}${snippet ? `: ${snippet}` : ''}`,
    method,
    path,
  });
}
