// The one schema of the server configuration: what each key may hold, and the resolved Config type.
import { isIP } from 'node:net';
import { z } from 'zod';
import { LOG_FORMATS } from '../logger.js';
import proxyAddr from '@fastify/proxy-addr';
import { parseCidr } from '../webhooks/OutboundPolicy.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const port = z
  .number({ invalid_type_error: 'must be a number' })
  .int('must be an integer between 1 and 65535')
  .min(1, 'must be an integer between 1 and 65535')
  .max(65535, 'must be an integer between 1 and 65535');

const ip = z
  .string({ invalid_type_error: 'must be a string' })
  .refine((s) => isIP(s) !== 0, 'must be a valid IPv4 or IPv6 address (hostnames are not accepted)');

const positiveInt = z
  .number({ invalid_type_error: 'must be a number' })
  .int('must be a positive integer')
  .positive('must be a positive integer');

const nonNegativeInt = z
  .number({ invalid_type_error: 'must be a number' })
  .int('must be a whole number, 0 or more')
  .min(0, 'must be a whole number, 0 or more');

const nonEmpty = z.string({ invalid_type_error: 'must be a string' }).min(1, 'must not be empty');

const httpUrl = z
  .string({ invalid_type_error: 'must be a string' })
  .refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL');

/** `scheme://host[:port]`, exactly as browsers send it in `Origin`. */
const origin = z.string({ invalid_type_error: 'must be a string' }).refine((s) => {
  try {
    const url = new URL(s);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === s;
  } catch {
    return false;
  }
}, 'must be "*" or origins like https://app.example.com (scheme, host and port; no path or trailing slash)');

/** Page origins allowed to load the SDK and call the REST API cross-origin: `*` = any. */
export const corsOriginsSchema = z.union([z.literal('*'), z.array(origin, { invalid_type_error: 'must be "*" or an array of origins' })], {
  errorMap: (issue, ctx) => (issue.code === 'invalid_union' ? { message: 'must be "*" or an array of origins like ["https://app.example.com"]' } : { message: ctx.defaultError }),
});
export type CorsOrigins = z.infer<typeof corsOriginsSchema>;

const TRUST_PROXY_MESSAGE = 'must be true, false, a number of proxy hops (1 to 16), or a list of proxy addresses/CIDRs like ["127.0.0.1", "10.0.0.0/8"] (or loopback, linklocal, uniquelocal)';
/** Whose X-Forwarded-* / Forwarded headers are believed (src/net/proxyTrust.ts). */
export const trustProxySchema = z.union(
  [
    z.boolean(),
    z.number().int(TRUST_PROXY_MESSAGE).min(1, TRUST_PROXY_MESSAGE).max(16, TRUST_PROXY_MESSAGE),
    z
      .array(z.string().min(1, TRUST_PROXY_MESSAGE))
      .min(1, TRUST_PROXY_MESSAGE)
      .max(64, TRUST_PROXY_MESSAGE)
      .refine((list) => {
        try {
          proxyAddr.compile(list);
          return true;
        } catch {
          return false;
        }
      }, TRUST_PROXY_MESSAGE),
  ],
  { errorMap: () => ({ message: TRUST_PROXY_MESSAGE }) },
);

export const limitsSchema = z
  .object({
    /** Largest signaling message accepted, in bytes. */
    maxMessageBytes: positiveInt,
    /** Sustained signaling messages per second per connection (token bucket refill). */
    messagesPerSecond: positiveInt,
    /** Token bucket size: messages a connection may send in a burst. */
    messageBurst: positiveInt,
    maxParticipantsPerRoom: positiveInt,
    /** Participants waiting in one room's lobby (ask_join) at once; more are refused with 4009. */
    maxLobbyAskersPerRoom: positiveInt,
    /** Live rooms (meetings with a session) on this server; a join that would open one more gets 3047. */
    maxRooms: positiveInt,
    /** Rooms that joins to unknown ids may create per client address per minute (requireRoomCreation false); 0: no limit. */
    roomsCreatedByJoinPerMinute: nonNegativeInt,
    /** Rooms `POST /v2/rooms` may create per token per minute (tokens with the crawler role are not limited); 0: no limit. */
    roomsCreatedPerTokenPerMinute: nonNegativeInt,
    /** PubSub topics one participant may subscribe to. */
    pubsubTopicsPerParticipant: positiveInt,
    /** Persisted PubSub messages kept per topic and session (the oldest go first); also what a subscribe returns at most. */
    pubsubMessagesPerTopic: positiveInt,
    /** Persisted PubSub bytes kept per topic and session (the oldest messages go first). */
    pubsubBytesPerTopic: positiveInt,
    /** Persisted PubSub messages kept per session over all topics (the oldest go first). */
    pubsubMessagesPerSession: positiveInt,
    /** Persisted PubSub bytes kept per session over all topics (the oldest go first). */
    pubsubBytesPerSession: positiveInt,
    /** Seconds a signaling socket may stay open without a valid join (or resume) before it is closed. */
    joinTimeoutSeconds: positiveInt,
    /** Signaling sockets not yet joined, per client address (an IPv6 /64 counts as one); more are refused with HTTP 429. 0: no limit. */
    unjoinedSocketsPerAddress: nonNegativeInt,
    /** Signaling sockets not yet joined on the whole server; more are refused with HTTP 503. */
    unjoinedSockets: positiveInt,
    /** Seconds a client has to send a whole HTTP request (headers and body). */
    httpRequestTimeoutSeconds: positiveInt,
    /** Seconds a client has to send a request's headers (at most httpRequestTimeoutSeconds: the smaller applies). */
    httpHeadersTimeoutSeconds: positiveInt,
    /** Seconds an HTTP connection may sit with nothing sent either way (a request or response in progress). */
    httpIdleTimeoutSeconds: positiveInt,
    /** Seconds an idle keep-alive HTTP connection is kept for the next request. */
    httpKeepAliveSeconds: positiveInt,
  })
  .strict();

/** `turn:host[:port][?transport=udp|tcp]`, `turns:…`, `stun:host[:port]` (RFC 7064/7065). */
const turnUrl = z
  .string({ invalid_type_error: 'must be a string' })
  .regex(/^(turns?:[A-Za-z0-9.-]+(:\d{1,5})?(\?transport=(udp|tcp))?|stun:[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'must be a turn:, turns: or stun: URL like turn:turn.example.com:3478?transport=tcp');

/** Every key a config file may set; all are required once defaults are merged in. */
export const configSchema = z
  .object({
    port,
    rtcPort: port,
    bind: ip,
    announcedIp: ip.refine(
      (s) => !['0.0.0.0', '::'].includes(s),
      'must be an address clients can reach (0.0.0.0 and :: are listen-all addresses, not announceable)',
    ),
    apiKey: nonEmpty.optional(),
    apiSecret: nonEmpty.optional(),
    dataDir: nonEmpty,
    /** `auto` (default): readable lines on a terminal, JSON lines when piped; or always `json` / `pretty`. */
    logFormat: z.enum(LOG_FORMATS, { errorMap: () => ({ message: `must be one of ${LOG_FORMATS.join(', ')}` }) }),
    logLevel: z.enum(LOG_LEVELS, {
      errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }),
    }),
    requireRoomCreation: z.boolean({ invalid_type_error: 'must be true or false' }),
    /** Receives every webhook event of every room, besides each room's own subscription. */
    webhookUrl: httpUrl.optional(),
    /** Seconds a participant whose signaling socket dropped is kept for a `resume` (0: leaves at once). */
    reconnectGraceSeconds: z
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number of seconds from 0 to 3600')
      .min(0, 'must be a whole number of seconds from 0 to 3600')
      .max(3600, 'must be a whole number of seconds from 0 to 3600'),
    /** Seconds between call quality samples of every participant (0: no sampling); see README "Call quality". */
    qualitySampleSeconds: z
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number of seconds from 0 to 300')
      .min(0, 'must be a whole number of seconds from 0 to 300')
      .max(300, 'must be a whole number of seconds from 0 to 300'),
    /** Days call quality samples are kept (pruned at boot and hourly). */
    qualityRetentionDays: z
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number of days from 1 to 3650')
      .min(1, 'must be a whole number of days from 1 to 3650')
      .max(3650, 'must be a whole number of days from 1 to 3650'),
    /**
     * Media worker threads: 'auto' = one per core, a number = that many, 0 = media on the main
     * thread. Worker i uses UDP port rtcPort + i.
     */
    mediaWorkers: z.union([
      z.literal('auto'),
      z.number({ invalid_type_error: "must be 'auto' or a number" }).int('must be a whole number from 0 to 64').min(0, 'must be a whole number from 0 to 64').max(64, 'must be a whole number from 0 to 64'),
    ]),
    /**
     * Subscribers of one room a media worker carries at most before the room's next subscribers go
     * to another worker (their media piped over from the room's first worker). A busy worker (over
     * 70 % of a core) passes them on earlier, once it carries 20 of the room. 0: rooms never span.
     */
    mediaWorkerRoomCapacity: z
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number from 0 to 100000')
      .min(0, 'must be a whole number from 0 to 100000')
      .max(100000, 'must be a whole number from 0 to 100000')
      .optional(),
    /**
     * Incoming media later than this (ms, against its own recent best) is shed instead of
     * forwarded when a worker falls behind: video in whole frames until a keyframe, audio packet by
     * packet. 0 turns shedding off for that kind. File only.
     */
    mediaMaxLatenessMs: z
      .object({
        video: z.number({ invalid_type_error: 'must be a number' }).int().min(0, 'must be 0 (off) or more').max(60000),
        audio: z.number({ invalid_type_error: 'must be a number' }).int().min(0, 'must be 0 (off) or more').max(60000),
      })
      .strict()
      .optional(),
    /**
     * Origins whose pages may load /sdk/* and call /v2/* (CORS): `*` (default) = any, since REST
     * auth is a token header and never a cookie; a list restricts it; [] = same-origin only.
     */
    corsOrigins: corsOriginsSchema,
    /**
     * Behind a reverse proxy: whose X-Forwarded-Proto/-Host/-For (or Forwarded) headers to believe,
     * for the URLs handed out and the client address per-address limits count. Off by default.
     */
    trustProxy: trustProxySchema.optional(),
    /**
     * The origin clients reach this server at (`https://rtc.example.com`), for URLs made outside a
     * request: `fileUrl` and HLS URLs in webhook bodies. Absent: the address the server listens on.
     */
    publicUrl: z
      .string({ invalid_type_error: 'must be a string' })
      .refine((s) => {
        try {
          const url = new URL(s);
          return ['http:', 'https:'].includes(url.protocol) && url.origin === s;
        } catch {
          return false;
        }
      }, 'must be an origin like https://rtc.example.com (scheme, host and port; no path or trailing slash)')
      .optional(),
    limits: limitsSchema,
    /**
     * CIDR ranges participants may point webhooks and RTMP destinations at although they are
     * private, loopback, link-local or reserved (src/webhooks/OutboundPolicy.ts). [] = none.
     */
    outboundAllowCidrs: z
      .array(
        z.string({ invalid_type_error: 'must be a string' }).refine((s) => {
          try {
            parseCidr(s);
            return true;
          } catch {
            return false;
          }
        }, 'must hold CIDR ranges like 10.0.0.0/8, fd00::/8 or 127.0.0.1'),
        { invalid_type_error: 'must be an array of CIDR ranges' },
      )
      .optional(),
    /**
     * STUN/TURN servers handed to clients as ICE servers (for networks that block UDP): `turn:`,
     * `turns:` or `stun:` URLs, e.g. `turns:turn.example.com:5349?transport=tcp`. TURN URLs need
     * `turnSecret`; each participant gets a credential minted from it (src/auth/turnCredentials.ts).
     */
    turnServers: z.array(turnUrl, { invalid_type_error: 'must be an array of turn:, turns: or stun: URLs' }).max(8, 'must list at most 8 URLs').optional(),
    /** The TURN server's shared secret (coturn `static-auth-secret`): at least 16 bytes. */
    turnSecret: z.string({ invalid_type_error: 'must be a string' }).refine((s) => Buffer.byteLength(s) >= 16, 'must be at least 16 bytes (e.g. "openssl rand -base64 32")').optional(),
    /** How long a minted TURN credential works, in seconds (60 s to 7 days; default 1 day). */
    turnCredentialTtlSeconds: z.number({ invalid_type_error: 'must be a number' }).int('must be a whole number of seconds').min(60, 'must be 60 or more').max(7 * 86400, 'must be at most 604800 (7 days)').optional(),
    /** Egress jobs do not start, and running ones stop as failed, below this much free space (MB) in dataDir. 0: off. */
    egressMinFreeMb: z.number({ invalid_type_error: 'must be a number' }).int('must be a whole number of MB').min(0, 'must be 0 (off) or more').optional(),
    /** An egress job (recording, RTMP, HLS, participant recording) stops cleanly after this many seconds. 0: no limit. */
    egressMaxJobSeconds: z.number({ invalid_type_error: 'must be a number' }).int('must be a whole number of seconds').min(0, 'must be 0 (no limit) or more').optional(),
    /** HLS DVR window: index.m3u8 keeps the last this many seconds, older segments are deleted. 0: keep all. */
    hlsDvrWindowSeconds: z.number({ invalid_type_error: 'must be a number' }).int('must be a whole number of seconds').min(0, 'must be 0 (keep all) or more').optional(),
    /** GET /metrics on its own listener at metricsBind:metricsPort (and no longer on `port`). */
    metricsPort: port.optional(),
    /** Where the metrics listener binds (default 127.0.0.1: scrape from this host or a tunnel). */
    metricsBind: ip.optional(),
    /** When set, /metrics (on either port) answers only `Authorization: Bearer <metricsToken>`. */
    metricsToken: z.string({ invalid_type_error: 'must be a string' }).min(16, 'must be at least 16 characters (e.g. openssl rand -hex 24)').max(512, 'must be at most 512 characters').optional(),
    /** Password for the operator dashboard's login at /dashboard (besides the API key and secret). */
    dashboardPassword: z.string({ invalid_type_error: 'must be a string' }).min(12, 'must be at least 12 characters (e.g. openssl rand -base64 18)').max(512, 'must be at most 512 characters').optional(),
    /** Recording, RTMP and HLS jobs (see src/egress/README.md). File only; keys may be given individually. */
    egress: z
      .object({
        ffmpegPath: nonEmpty.optional(),
        chromiumPath: nonEmpty.optional(),
        /** Who draws composites: `ffmpeg` (in-process from the SFU's RTP, the default) or `chromium` (a headless browser page). */
        compositor: z.enum(['ffmpeg', 'chromium']).optional(),
        /** Jobs running at once on this node; more are refused so egress cannot starve the SFU. */
        maxConcurrentJobs: positiveInt.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A config file: any subset of the keys; `limits` may itself be partial (merged key by key). */
export const fileConfigSchema = configSchema
  .extend({ limits: limitsSchema.partial() })
  .partial()
  .strict();

export type ConfigInput = z.infer<typeof configSchema>;
export type FileConfig = z.infer<typeof fileConfigSchema>;
export type Limits = z.infer<typeof limitsSchema>;

/** The resolved configuration handed to the server. */
export type Config = Omit<ConfigInput, 'apiKey' | 'apiSecret'> & {
  apiKey: string;
  apiSecret: string;
  /** True when neither apiKey nor apiSecret was configured: well-known dev credentials are used. */
  devMode: boolean;
};
