// Request validation against the protocol's zod schemas: the first problem becomes a 400
// ERROR_INVALID_PARAMETER whose message starts with the offending field.
import { RoomkitError } from '@roomkit/protocol';
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
