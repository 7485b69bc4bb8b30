// The RTMP livestream kind: one composite to 1..5 `{url, streamKey}` destinations through one
// ffmpeg `tee` (encode once, `onfail=ignore` per destination), per-destination status from
// ffmpeg's stderr, a report when one destination fails while the others go on.
import type { EgressStartRequest, EgressOutput, JobOutcome } from '../types.js';
import type { KindContext, KindHandler } from '../EgressService.js';
import { JobRecords, type JobRecordBase } from '../JobRecords.js';
import type { SqliteDatabase } from '../../webhooks/SqliteWebhookOutbox.js';
import { RtmpOutput, type DestinationState } from './RtmpOutput.js';
import { validateRtmpOutputs } from '@roomkit/protocol';

export interface LivestreamRecord extends JobRecordBase {
  outputs: DestinationState[];
  error?: string;
}

export interface LivestreamKindDeps {
  /**
   * One destination failed (refused, dropped, timed out) while others may still run. The job goes
   * on while at least one destination is alive; when none is, ffmpeg exits and the job fails.
   */
  onDestinationFailed(ctx: KindContext, index: number, destination: DestinationState, stillLive: number): void;
  /** Where job records persist (absent: memory only). */
  db?: SqliteDatabase;
}

export class LivestreamKind implements KindHandler {
  readonly records: JobRecords<LivestreamRecord>;
  private readonly outputsByJob = new Map<string, RtmpOutput[]>();

  constructor(private readonly deps: LivestreamKindDeps) {
    this.records = new JobRecords('livestream', deps.db);
  }

  validate(request: EgressStartRequest): void {
    validateRtmpOutputs(request.outputs);
  }

  outputs(ctx: KindContext): EgressOutput[] {
    const destinations = validateRtmpOutputs(ctx.request.outputs);
    const outputs = destinations.map(
      (d, i) =>
        new RtmpOutput(d.url, d.streamKey, i, (output) => {
          const record = this.records.get(ctx.jobId);
          if (record) this.records.save(record);
          if (output.state.status !== 'failed') return;
          const alive = outputs.filter((o) => o.state.status === 'live' || o.state.status === 'connecting').length;
          this.deps.onDestinationFailed(ctx, i, { ...output.state }, alive);
        }),
    );
    this.outputsByJob.set(ctx.jobId, outputs);
    this.records.add({
      id: ctx.jobId,
      roomId: ctx.roomId,
      sessionId: ctx.sessionId,
      start: new Date(),
      end: null,
      status: 'ongoing',
      outputs: outputs.map((o) => o.state),
    });
    return outputs;
  }

  onStarted(ctx: KindContext): Record<string, unknown> {
    // Media reached ffmpeg; a destination that refuses is reported within moments of this.
    for (const o of this.outputsByJob.get(ctx.jobId) ?? []) o.markLiveIfConnecting();
    return { outputs: this.publicOutputs(ctx.jobId) };
  }

  async onEnded(ctx: KindContext, outcome: JobOutcome): Promise<Record<string, unknown>> {
    const record = this.records.get(ctx.jobId);
    if (record) {
      record.end = new Date();
      record.status = outcome.reason === 'failed' ? 'failed' : 'ended';
      if (outcome.error) record.error = outcome.error;
      this.records.save(record);
    }
    const outputs = this.publicOutputs(ctx.jobId);
    this.outputsByJob.delete(ctx.jobId);
    return { outputs };
  }

  private publicOutputs(jobId: string): DestinationState[] {
    return (this.records.get(jobId)?.outputs ?? []).map((s) => ({ ...s }));
  }
}
