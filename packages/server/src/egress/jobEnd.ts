// The last steps every composite job takes once its processes are gone, whichever compositor drew
// it: the outcome, a warning if it failed, each output finished, and the job's owner told.
import type { Logger } from 'pino';
import type { JobHandlers, JobOutcome, StartJobParams } from './types.js';

export interface EndedJob {
  id: string;
  roomId: string;
  params: StartJobParams;
  handlers: JobHandlers;
  /** When media first reached the outputs (null: never). */
  startedAt: number | null;
  log: Logger;
}

export async function concludeJob(job: EndedJob, reason: JobOutcome['reason'], error?: string): Promise<JobOutcome> {
  const outcome: JobOutcome = {
    reason,
    ...(error !== undefined ? { error } : {}),
    durationSeconds: job.startedAt === null ? 0 : (Date.now() - job.startedAt) / 1000,
  };
  if (error) job.log.warn({ job: job.id, roomId: job.roomId, error }, 'egress job failed');
  for (const o of job.params.outputs) await o.finish?.(outcome).catch(() => {});
  try {
    job.handlers.onEnded?.(outcome);
  } catch (err) {
    job.log.error({ err }, 'onEnded handler threw');
  }
  return outcome;
}
