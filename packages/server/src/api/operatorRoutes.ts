// Operator-only REST routes for the dashboard (server README "Operator dashboard"): the rooms
// running now with each participant's newest quality sample, and the webhook outbox's deliveries.
import {
  MAX_LIVE_ROOMS_LISTED, webhookDeliveriesQuerySchema,
  type DeliveryState, type LiveKindFigures, type LiveRoomsResponse, type WebhookDeliveriesResponse, type WebhookDeliveryResponse,
} from '@roomkit/protocol';
import { operatorOnly } from './restAccess.js';
import type { RestApp } from './parse.js';
import { paged } from './present.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { FiguresByKind, QualitySample } from '../rooms/quality/types.js';
import type { OutboxDelivery, WebhookOutbox } from '../webhooks/types.js';

export interface OperatorDeps {
  liveRooms: RoomManager['liveRooms'];
  /** A live participant's newest sample (rooms.quality.latest); null without sampling. */
  latestQuality: (sessionId: string, participantId: string) => QualitySample | null;
  deliveries: Pick<WebhookOutbox, 'list'>;
}

function figures(byKind: FiguresByKind): Partial<Record<string, LiveKindFigures>> {
  const out: Partial<Record<string, LiveKindFigures>> = {};
  for (const [kind, f] of Object.entries(byKind)) if (f) out[kind] = { lossPct: f.lossPct, jitterMs: f.jitterMs, bitrateBps: f.bitrateBps, rttMs: f.rttMs };
  return out;
}

function stateOf(d: OutboxDelivery): DeliveryState {
  if (d.status === 'delivered') return 'delivered';
  if (d.status === 'failed') return 'abandoned';
  return d.attempts > 0 ? 'retrying' : 'pending';
}

/** The body's `webhookType` (bodies are ours, but a row is data: never throw over one). */
function eventOf(body: string): string {
  try {
    const type = (JSON.parse(body) as { webhookType?: unknown }).webhookType;
    return typeof type === 'string' ? type : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function deliveryResponse(d: OutboxDelivery): WebhookDeliveryResponse {
  const state = stateOf(d);
  return {
    id: d.id,
    roomId: d.roomId,
    url: d.url,
    event: eventOf(d.body),
    state,
    attempts: d.attempts,
    nextAttemptAt: state === 'pending' || state === 'retrying' ? new Date(d.nextAttemptAt).toISOString() : null,
    lastError: d.lastError,
    createdAt: new Date(d.createdAt).toISOString(),
  };
}

export function operatorRoutes(app: RestApp, deps: OperatorDeps): void {
  app.get('/v2/operator/live-rooms', { config: { access: operatorOnly } }, async (): Promise<LiveRoomsResponse> => {
    const { total, rooms } = deps.liveRooms(MAX_LIVE_ROOMS_LISTED);
    return {
      total,
      data: rooms.map((room) => ({
        roomId: room.roomId,
        sessionId: room.sessionId,
        participants: room.participants.map((p) => {
          const q = deps.latestQuality(room.sessionId, p.id);
          return {
            participantId: p.id,
            name: p.name,
            mode: p.mode,
            streams: p.streams,
            joinedAt: p.joinedAt.toISOString(),
            quality: q && { at: q.at.toISOString(), audioScore: q.audioScore, videoScore: q.videoScore, send: figures(q.send), recv: figures(q.recv) },
          };
        }),
      })),
    };
  });

  app.get('/v2/operator/webhook-deliveries', { schema: { querystring: webhookDeliveriesQuerySchema }, config: { access: operatorOnly } }, async (req): Promise<WebhookDeliveriesResponse> => {
    const { page, perPage, state } = req.query;
    return paged(await deps.deliveries.list({ state }, { page, perPage }), { page, perPage }, deliveryResponse);
  });
}
