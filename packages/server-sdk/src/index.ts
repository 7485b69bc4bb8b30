// Public face of @roomkit/server-sdk: mint tokens, call the REST API v2, verify webhooks.
export {
  generateToken, parseExpiresIn, DEFAULT_EXPIRES_IN_SECONDS, TOKEN_PERMISSIONS, TOKEN_ROLES,
  type GenerateTokenOptions, type TokenClaims, type TokenPermission, type TokenRole, type ExpiresIn,
} from './token.js';
export { RoomkitClient } from './client/RoomkitClient.js';
export type { RoomkitClientOptions } from './client/HttpTransport.js';
export type { RoomsApi } from './client/RoomsApi.js';
export type { SessionsApi, StatsOptions } from './client/SessionsApi.js';
export type { ParticipantStatsResponse, QualityStatsEntry, SessionStatsResponse } from '@roomkit/protocol';
export type { RecordingsApi } from './client/RecordingsApi.js';
export type { LivestreamsApi } from './client/LivestreamsApi.js';
export type { HlsApi } from './client/HlsApi.js';
export type * from './client/types.js';
export type {
  AutoCloseConfig, CreateRoomBody, EndSessionBody, ListRoomsResponse, ListSessionsResponse, RemoveParticipantBody,
  RoomResponse, SessionParticipant, SessionResponse, SessionStatus, TimelogEntry, WebhookConfig,
} from '@roomkit/protocol/rest';
export { RoomkitApiError, RoomkitConnectionError } from './errors.js';
export {
  verifyWebhook, signWebhook, WebhookVerificationError, WEBHOOK_SIGNATURE_HEADER, DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  type WebhookEvent, type WebhookEventType, type WebhookHeaders, type VerifyWebhookOptions, type WebhookVerificationReason,
} from './webhook.js';
