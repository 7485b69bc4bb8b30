// The REST API v2 described as OpenAPI 3 at /v2/openapi.json, generated at boot from the routes
// themselves: each route's zod `schema` (the one that validates its requests, api/parse.ts) becomes
// its JSON Schema, its `access` rule (api/restAccess.ts) its security note. A reference page for
// people (Swagger UI, served from the package's own files: no CDN) is at /v2/docs.
import type { FastifyInstance, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { RouteAccess } from '../api/restAccess.js';

export const OPENAPI_PATH = '/v2/openapi.json';
export const API_DOCS_PATH = '/v2/docs';

const ACCESS_TEXT: Record<RouteAccess['who'], string> = {
  operator: 'Operator token only: its `roles` claim includes `crawler`.',
  meeting: 'Any valid meeting token; a token whose `roomId` claim is set must name the room this call acts on.',
  moderator: 'The operator, or a token for this room (`roomId` claim) holding `allow_mod`.',
};

const errorResponse = {
  description: 'Error: `{statusCode, error: {code, message}}` with a Roomkit/VideoSDK error code (see API.md).',
  type: 'object',
  required: ['statusCode', 'error'],
  properties: {
    statusCode: { type: 'integer' },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'integer' }, message: { type: 'string', description: 'Starts with the offending field, e.g. `roomId: Required`.' } },
    },
  },
};

/** What the OpenAPI document says of one route: its schemas as JSON Schema, its access, its tag. */
function describeRoute({ schema, url, route }: { schema: Record<string, unknown> | undefined; url: string; route: RouteOptions }) {
  if (!url.startsWith('/v2/') || url === OPENAPI_PATH || url.startsWith(API_DOCS_PATH)) return { schema: { ...schema, hide: true }, url };
  const converted = jsonSchemaTransform({ schema: (schema ?? {}) as Parameters<typeof jsonSchemaTransform>[0]['schema'], url }).schema as Record<string, unknown>;
  const access = (route.config as { access?: RouteAccess } | undefined)?.access;
  return {
    url,
    schema: {
      ...converted,
      tags: [url.split('/')[2]!],
      description: access ? `Access: ${ACCESS_TEXT[access.who]}` : undefined,
      security: [{ roomkitToken: [] }],
      response: { '4XX': errorResponse, '5XX': errorResponse },
    },
  };
}

/**
 * Mounts the description and its page. Call before the routes are declared: fastify adds routes
 * after the plugins registered before them, so the swagger plugin sees every route.
 */
export function registerOpenApi(app: FastifyInstance, version: string): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Roomkit REST API v2',
        version,
        description: 'Rooms, sessions, recordings, RTMP livestreams and HLS of a Roomkit server, in the shapes of VideoSDK\'s REST API v2. '
          + 'Every call carries a JWT signed with the API secret in the `Authorization` header (with or without `Bearer `).',
        license: { name: 'Apache-2.0' },
      },
      components: {
        securitySchemes: { roomkitToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'A Roomkit token (JWT, HS256, signed with the API secret).' } },
      },
    },
    transform: describeRoute as never,
  });
  void app.register(swaggerUi, { routePrefix: API_DOCS_PATH, uiConfig: { docExpansion: 'list', deepLinking: true } });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, (_req, reply) => {
    reply.header('cache-control', 'no-cache').send(app.swagger());
  });
}
