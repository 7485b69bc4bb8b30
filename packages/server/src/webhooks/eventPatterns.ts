// Matching event names against a subscription's `events`: exact names or `*` wildcards.
import { webhookEventPattern } from '@roomkit/protocol';
import type { WebhookEventType } from './types.js';

const cache = new Map<string, RegExp>();

function toRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = webhookEventPattern(pattern);
    if (cache.size < 1000) cache.set(pattern, re);
  }
  return re;
}

/** True when any pattern matches: `*` matches everything, `recording-*` every recording event. */
export function matchesEvent(patterns: readonly string[], event: WebhookEventType | string): boolean {
  return patterns.some((p) => (p.includes('*') ? toRegExp(p.trim()).test(event) : p.trim() === event));
}
