// The SDK's network test endpoints (runPreCallTest, getNetworkStats): GET sends a fixed block of
// random (incompressible) bytes, POST reads a body and discards it. No auth, like the SDK files:
// each request costs no more than fetching the SDK itself, and bodies are capped by bodyLimit.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const NETWORK_PROBE_PATH = '/sdk/network-probe';
/** Bytes per download request: about one SDK file; the SDK runs a few in parallel for ~1.5 s. */
export const NETWORK_PROBE_BYTES = 64 * 1024;

export function networkProbeRoutes(app: FastifyInstance): void {
  const block = randomBytes(NETWORK_PROBE_BYTES);
  app.get(NETWORK_PROBE_PATH, (_req, reply) =>
    reply.header('cache-control', 'no-store').type('application/octet-stream').send(block),
  );
  // Text bodies need no CORS preflight (the SDK posts them in no-cors mode); fastify's text parser
  // reads the whole body (up to the app's bodyLimit) before this handler runs.
  app.post(NETWORK_PROBE_PATH, (_req, reply) => reply.header('cache-control', 'no-store').code(204).send());
}
