// Public face of @roomkit/node-client/loadtest: run a load scenario and format its result.
export { runLoadTest } from './LoadTest.js';
export { formatReport } from './report.js';
export { findPidByPort, psLine, readProc, readProcTree } from './procStats.js';
export type { ProcSample } from './procStats.js';
export { distribution } from './percentiles.js';
export type { Distribution } from './percentiles.js';
export type { LoadTestOptions, LoadTestResult, ServerFigures } from './types.js';
