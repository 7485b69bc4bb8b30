// The operator dashboard's login and its operator-only REST routes (`/dashboard/login`,
// `GET /v2/operator/live-rooms`, `GET /v2/operator/webhook-deliveries`; server README "Operator dashboard").
import { z } from 'zod';
import { pageQuerySchema, type PageInfo } from './rest.js';
import type { QualityKind } from './quality.js';

/** Longest API key, secret or password a login may send (config caps are lower). */
const MAX_CREDENTIAL = 512;
const credential = z.string().min(1, 'must not be empty').max(MAX_CREDENTIAL, `must be at most ${MAX_CREDENTIAL} characters`);

/** `POST /dashboard/login`: the API key and secret, or the configured `dashboardPassword`. */
export const dashboardLoginBodySchema = z.union([
  z.object({ apiKey: credential, apiSecret: credential }).strict(),
  z.object({ password: credential }).strict(),
]);
export type DashboardLoginBody = z.infer<typeof dashboardLoginBodySchema>;

export interface DashboardLoginResponse {
  /** An operator token (roles: crawler): send it as `Authorization`. */
  token: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** `GET /dashboard/config`: what the login page may show before anyone signs in. */
export interface DashboardPublicConfig {
  devMode: boolean;
  passwordLogin: boolean;
  /** Dev mode only: the well-known dev key and secret, to prefill the form. */
  devCredentials?: { apiKey: string; apiSecret: string };
}

/** Rooms listed at most by `GET /v2/operator/live-rooms` (`total` says how many run). */
export const MAX_LIVE_ROOMS_LISTED = 200;

export interface LiveKindFigures {
  lossPct: number;
  jitterMs: number;
  bitrateBps: number;
  rttMs: number | null;
}

export interface LiveParticipantQuality {
  /** ISO 8601: the newest server sample. */
  at: string;
  audioScore: number | null;
  videoScore: number | null;
  send: Partial<Record<QualityKind, LiveKindFigures>>;
  recv: Partial<Record<QualityKind, LiveKindFigures>>;
}

export interface LiveParticipant {
  participantId: string;
  name: string;
  mode: string;
  /** Kinds it publishes now (audio, video, share, shareAudio). */
  streams: string[];
  /** ISO 8601: when it was admitted (approximate, from this process's clock). */
  joinedAt: string;
  /** null before its first sample (or with sampling off). */
  quality: LiveParticipantQuality | null;
}

export interface LiveRoom {
  roomId: string;
  sessionId: string;
  participants: LiveParticipant[];
}

export interface LiveRoomsResponse {
  /** Rooms running on this node, at most MAX_LIVE_ROOMS_LISTED. */
  data: LiveRoom[];
  total: number;
}

export const DELIVERY_STATES = ['pending', 'retrying', 'delivered', 'abandoned'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** `GET /v2/operator/webhook-deliveries?state=&page=&perPage=` (newest first). */
export const webhookDeliveriesQuerySchema = pageQuerySchema
  .extend({ state: z.enum(DELIVERY_STATES).optional() });
export type WebhookDeliveriesQuery = z.infer<typeof webhookDeliveriesQuerySchema>;

export interface WebhookDeliveryResponse {
  id: string;
  roomId: string;
  url: string;
  /** The body's `webhookType`. */
  event: string;
  state: DeliveryState;
  attempts: number;
  /** ISO 8601 while pending or retrying, else null. */
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
}

export interface WebhookDeliveriesResponse {
  pageInfo: PageInfo;
  data: WebhookDeliveryResponse[];
}
