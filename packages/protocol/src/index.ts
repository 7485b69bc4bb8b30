// Public face of @roomkit/protocol: signaling schemas, error codes and branded ids.
export * from './ids.js';
export * from './errors.js';
export * from './messages.js';
export * from './egress.js';
export * from './constants.js';
export * from './rest.js';
export * from './streaming.js';
export * from './collab.js';
export * from './quality.js';
export * from './qualityRest.js';
export * from './operator.js';
