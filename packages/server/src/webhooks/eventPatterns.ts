// Matching event names against a subscription's `events`: exact names or `*` wildcards.
import { matchesWebhookPattern } from '@roomkit/protocol';
import type { WebhookEventType } from './types.js';

/** True when any pattern matches: `*` matches everything, `recording-*` every recording event. */
export function matchesEvent(patterns: readonly string[], event: WebhookEventType | string): boolean {
  return patterns.some((p) => (p.includes('*') ? matchesWebhookPattern(p.trim(), event) : p.trim() === event));
}
