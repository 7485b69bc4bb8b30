// Turns the rooms' session facts into webhook events and puts one delivery per subscriber in the
// outbox: the room's own subscription (when its events match) and the global URL (every event).
import type { SessionObserver, SessionRef } from '../rooms/hooks.js';
import { logger } from '../logger.js';
import { matchesEvent } from './eventPatterns.js';
import type { WebhookBody, WebhookEventType, WebhookSubscription } from './types.js';

/** Where a room's subscription is looked up. Synchronous: it runs on the join/leave path. */
export interface WebhookSubscriptions {
  roomWebhook(roomId: string): WebhookSubscription | null | undefined;
}

/** Where deliveries go (the dispatcher): one synchronous insert per call. */
export interface WebhookQueue {
  enqueue(roomId: string, url: string, body: string, guarded?: boolean): string;
}

export interface WebhookSessionObserverOptions {
  queue: WebhookQueue;
  subscriptions: WebhookSubscriptions;
  /** Config `webhookUrl`: receives every event of every room. */
  globalUrl?: string;
}

/** `HTTP://Host:80/h` and `http://host/h` are one receiver: compare URLs in WHATWG normal form. */
function sameUrlKey(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

export class WebhookSessionObserver implements SessionObserver {
  /** Session start times, for `session-ended` (`start`). */
  private readonly starts = new Map<string, string>();
  private readonly log = logger('webhooks:SessionObserver');

  constructor(private readonly opts: WebhookSessionObserverOptions) {}

  sessionStarted(session: SessionRef, at: Date): void {
    const start = at.toISOString();
    this.starts.set(session.sessionId, start);
    this.publish(session, 'session-started', { start });
  }

  sessionEnded(session: SessionRef, at: Date): void {
    const start = this.starts.get(session.sessionId);
    this.starts.delete(session.sessionId);
    this.publish(session, 'session-ended', { ...(start ? { start } : {}), end: at.toISOString() });
  }

  participantJoined(session: SessionRef, participant: { id: string; name: string }, _at: Date): void {
    this.publish(session, 'participant-joined', { participantId: participant.id, participantName: participant.name });
  }

  participantLeft(session: SessionRef, participant: { id: string; name: string }, _at: Date, reason: { code: number; message: string }): void {
    this.publish(session, 'participant-left', {
      participantId: participant.id,
      participantName: participant.name,
      reason: { code: reason.code, message: reason.message },
    });
  }

  /**
   * Enqueues one event for every matching subscriber, plus `alsoTo` (an egress call's own
   * `webhookUrl`); a URL named twice gets it once. `alsoToGuarded`: `alsoTo` came from a
   * participant, so its deliveries are checked at connect time (unless the operator's
   * configuration names the same URL). Never throws (observers must not).
   */
  publish(session: SessionRef, webhookType: WebhookEventType, extra: Record<string, unknown> = {}, alsoTo?: string, alsoToGuarded = false): void {
    try {
      const urls = new Map<string, { url: string; guarded: boolean }>();
      const add = (url: string, guarded = false) => {
        const key = sameUrlKey(url);
        if (!urls.has(key)) urls.set(key, { url, guarded });
      };
      if (this.opts.globalUrl) add(this.opts.globalUrl);
      const sub = this.opts.subscriptions.roomWebhook(session.roomId);
      if (sub?.endPoint && matchesEvent(sub.events ?? [], webhookType)) add(sub.endPoint);
      if (alsoTo) add(alsoTo, alsoToGuarded);
      if (urls.size === 0) return;
      const body: WebhookBody = { webhookType, data: { meetingId: session.roomId, sessionId: session.sessionId, ...extra } };
      const json = JSON.stringify(body);
      for (const { url, guarded } of urls.values()) this.opts.queue.enqueue(session.roomId, url, json, guarded);
    } catch (err) {
      this.log.error({ err, roomId: session.roomId, webhookType }, 'could not enqueue a webhook');
    }
  }
}
