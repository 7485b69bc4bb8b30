// Branded ID types: a RoomId can never be passed where a ParticipantId is expected.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type RoomId = Brand<string, 'RoomId'>;
export type SessionId = Brand<string, 'SessionId'>;
export type ParticipantId = Brand<string, 'ParticipantId'>;
export type StreamId = Brand<string, 'StreamId'>;

export const asRoomId = (s: string) => s as RoomId;
export const asSessionId = (s: string) => s as SessionId;
export const asParticipantId = (s: string) => s as ParticipantId;
export const asStreamId = (s: string) => s as StreamId;
