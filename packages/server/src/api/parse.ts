// Request validation against the protocol's zod schemas: the first problem becomes a 400
// ERROR_INVALID_PARAMETER whose message starts with the offending field.
import { RoomkitError } from '@roomkit/protocol';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/** `webhook.events[2]`, `outputs[0].url`: array positions in brackets, as a person writes them. */
function fieldName(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => fieldName([...issue.path, k]));
    throw new RoomkitError('ERROR_INVALID_PARAMETER', `${keys.join(', ')}: unknown field${keys.length > 1 ? 's' : ''} in the ${where}`);
  }
  const field = issue.path.length > 0 ? fieldName(issue.path) : where;
  throw new RoomkitError('ERROR_INVALID_PARAMETER', `${field}: ${issue.message}`);
}

const PARTS: Record<string, 'body' | 'query' | 'params'> = { body: 'body', querystring: 'query', params: 'params' };

/**
 * Fastify's validator for the REST routes' zod schemas (`schema: {params, querystring, body}`): the
 * same parseInput, so a route's declared schema is what validates it and what /v2/openapi.json
 * describes. The parsed value (defaults applied, numbers coerced) replaces the raw one.
 */
export function zodValidatorCompiler({ schema, httpPart }: { schema: unknown; httpPart?: string }) {
  const where = PARTS[httpPart ?? ''];
  if (!where) throw new Error(`REST routes validate params, querystring and body only, not ${httpPart}`);
  return (data: unknown) => {
    try {
      // A request with no body reaches here as null: the same as none, so a schema's default applies.
      return { value: parseInput(schema as z.ZodTypeAny, data === null && where === 'body' ? undefined : data, where) };
    } catch (error) {
      return { error: error as Error };
    }
  };
}

/** The REST API's fastify instance: route schemas are zod, so `req.body`/`query`/`params` are their outputs. */
export type RestApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
