// The RTMP livestream kind: one composite to 1..5 `{url, streamKey}` destinations through one
// ffmpeg `tee` (encode once, `onfail=ignore` per destination), per-destination status from
// ffmpeg's stderr, a report when one destination fails while the others go on.
import type { EgressStartRequest, EgressOutput, JobOutcome } from '../types.js';
import type { KindContext, KindHandler } from '../EgressService.js';
import { JobRecords, type JobRecordBase } from '../JobRecords.js';
import type { SqliteDatabase } from '../../webhooks/SqliteWebhookOutbox.js';
import { RtmpOutput, type DestinationState } from './RtmpOutput.js';
import { RoomkitError, validateRtmpOutputs } from '@roomkit/protocol';
import { OutboundRefusedError, type OutboundPolicy } from '../../webhooks/OutboundPolicy.js';
import { fromParticipant } from '../EgressService.js';

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
  /** Where a participant's destinations may point (refused: private, loopback, reserved...). */
  outbound: OutboundPolicy;
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

  async outputs(ctx: KindContext): Promise<EgressOutput[]> {
    const destinations = validateRtmpOutputs(ctx.request.outputs);
    const guarded = fromParticipant(ctx.request);
    const connectTo = guarded ? await Promise.all(destinations.map((d, i) => this.pinned(d.url, i))) : destinations.map((d) => d.url);
    const outputs = destinations.map(
      (d, i) =>
        new RtmpOutput(d.url, d.streamKey, i, (output) => {
          const record = this.records.get(ctx.jobId);
          if (record) this.records.save(record);
          if (output.state.status !== 'failed') return;
          const alive = outputs.filter((o) => o.state.status === 'live' || o.state.status === 'connecting').length;
          this.deps.onDestinationFailed(ctx, i, { ...output.state }, alive);
        }, { connectUrl: connectTo[i], redactErrors: guarded }),
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

  /**
   * A participant's destination, checked and pinned: rtmp:// URLs get the checked address in
   * place of the host, so ffmpeg connects where we checked (no second DNS answer to rebind).
   * rtmps:// keeps its host name for TLS (SNI); ffmpeg resolves it again, so a rebinding
   * answer could differ there, but a refused address is then only ever a TLS connect whose
   * error text participants never see (RtmpOutput redactErrors).
   */
  private async pinned(url: string, index: number): Promise<string> {
    const target = new URL(url);
    try {
      const address = await this.deps.outbound.check(target.hostname);
      if (target.protocol !== 'rtmp:') return url;
      target.hostname = address.includes(':') ? `[${address}]` : address;
      return target.toString();
    } catch (err) {
      if (err instanceof OutboundRefusedError) throw new RoomkitError('INVALID_LIVESTREAM_CONFIG', `outputs[${index}].url: ${err.message}`);
      throw err;
    }
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
