// Participant recordings (one person's mic + camera in one MP4) and track recordings (one of their
// streams), straight from the SFU: the room's plain-RTP taps feed one ffmpeg per recording, no
// browser involved. Owns their lifetime: start/stop, the end when the participant leaves or the
// meeting ends, store rows, `recording-*` webhooks (with participantId), and the job limit.
import type { JobLimits } from '../JobLimits.js';
import type { OutboundPolicy } from '../../webhooks/OutboundPolicy.js';
import { checkParticipantWebhookUrl, fromParticipant } from '../EgressService.js';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { QUALITY_SIZE, RoomkitError, type ParticipantRecordingConfig, type StreamKind, type TrackRecordingKind } from '@roomkit/protocol';
import type { RoomManager } from '../../rooms/RoomManager.js';
import type { SessionRef } from '../../rooms/hooks.js';
import { logger } from '../../logger.js';
import type { EgressManager } from '../EgressManager.js';
import type { EgressNotifier } from '../EgressService.js';
import { probeDuration, recordingFileUrl } from '../recording/RecordingKind.js';
import type { RecordingStore } from '../recording/RecordingStore.js';
import type { JobOutcome } from '../types.js';
import { RtpRecordingJob } from './RtpRecordingJob.js';
import { egressDuration } from '../../metrics/appMetrics.js';
import { TAP_AUDIO_PT, TAP_VIDEO_PT } from './rtpInput.js';

/** How long after start the first media may take to reach the file before the job fails. */
const FIRST_MEDIA_TIMEOUT_MS = 20_000;
const BITRATE = { low: 1_000_000, med: 2_000_000, high: 4_000_000 } as const;
const STREAM_OF_TRACK: Record<TrackRecordingKind, StreamKind> = { audio: 'audio', video: 'video', screen_audio: 'shareAudio', screen_video: 'share' };

export interface IndividualRecordingRequest {
  roomId: string;
  participantId: string;
  /** A track recording of this kind; absent: a participant recording (mic + camera). */
  track?: TrackRecordingKind;
  config?: ParticipantRecordingConfig;
  webhookUrl?: string;
  /** See EgressStartRequest.origin: absent = a participant's (webhookUrl checked). */
  origin?: 'operator' | 'participant';
}

interface Entry {
  id: string;
  key: string;
  ref: SessionRef;
  request: IndividualRecordingRequest;
  job: RtpRecordingJob;
  tapIds: string[];
  stopping: boolean;
  finished: Promise<void>;
  /** Stopped by egressMaxJobSeconds: `recording-stopped` says `reason: 'max-duration'`. */
  maxDuration?: boolean;
}

export interface ParticipantRecordingsDeps {
  rooms(): Pick<RoomManager, 'room'> | null;
  manager: Pick<EgressManager, 'preflight' | 'reserve' | 'release'>;
  store: RecordingStore;
  notify: EgressNotifier;
  dataDir: string;
  ffmpegPath: string;
  ffprobePath: string;
  baseUrl(): string;
  outbound: OutboundPolicy;
  /** Disk floor and maximum duration while a recording runs (absent: none). */
  limits?: Pick<JobLimits, 'watch'>;
}

const keyOf = (roomId: string, participantId: string, track?: TrackRecordingKind) => `${roomId}\u0000${participantId}\u0000${track ?? '*'}`;
const what = (r: { participantId: string; track?: TrackRecordingKind }) => (r.track ? `a ${r.track} track recording of ${r.participantId}` : `a participant recording of ${r.participantId}`);

export class ParticipantRecordings {
  private readonly entries = new Map<string, Entry>();
  private readonly log = logger('egress:ParticipantRecordings');
  private closed = false;

  constructor(private readonly deps: ParticipantRecordingsDeps) {}

  /** The running recording's id for a participant (and track), if any. */
  running(roomId: string, participantId: string, track?: TrackRecordingKind): string | null {
    return this.entries.get(keyOf(roomId, participantId, track))?.id ?? null;
  }

  async start(request: IndividualRecordingRequest): Promise<{ id: string }> {
    const { roomId, participantId, track } = request;
    const key = keyOf(roomId, participantId, track);
    if (this.closed) throw new RoomkitError('START_RECORDING_FAILED', 'the server is shutting down');
    if (this.entries.has(key)) throw new RoomkitError('START_RECORDING_FAILED', `${what(request)} is already running in room "${roomId}"; stop it first`);
    const room = this.deps.rooms()?.room(roomId);
    if (!room || room.closed) throw new RoomkitError('START_RECORDING_FAILED', `room "${roomId}" has no ongoing session: someone must join the meeting first`);
    const participant = room.participants.get(participantId);
    if (!participant || participant.hidden) {
      throw new RoomkitError('INVALID_PARTICIPANT_ID', `participantId: no participant "${participantId}" in the ongoing session of room "${roomId}"`);
    }
    const wanted: StreamKind[] = track ? [STREAM_OF_TRACK[track]] : ['audio', 'video'];
    const kinds = wanted.filter((k) => participant.streams.has(k));
    if (kinds.length === 0) {
      throw new RoomkitError('START_RECORDING_FAILED', track ? `participantId: ${participantId} does not publish ${track} now` : `participantId: ${participantId} publishes neither a microphone nor a camera now`);
    }
    if (request.webhookUrl && fromParticipant(request)) await checkParticipantWebhookUrl(this.deps.outbound, request.webhookUrl, 'START_RECORDING_FAILED');
    await this.deps.manager.preflight('START_RECORDING_FAILED', { chromium: false });
    if (this.entries.has(key)) throw new RoomkitError('START_RECORDING_FAILED', `${what(request)} is already running in room "${roomId}"`);
    const id = randomBytes(10).toString('hex');
    this.deps.manager.reserve(id, 'START_RECORDING_FAILED');

    const audioOnly = !kinds.some((k) => k === 'video' || k === 'share');
    const rel = join('recordings', roomId, room.sessionId, `${id}.${audioOnly ? 'm4a' : 'mp4'}`);
    const abs = join(this.deps.dataDir, rel);
    const quality = request.config?.quality ?? 'med';
    const size = QUALITY_SIZE[quality];
    const portrait = request.config?.orientation === 'portrait';
    const mediaKinds = kinds.map((k) => (k === 'audio' || k === 'shareAudio' ? 'audio' : 'video'));
    const job = new RtpRecordingJob(id, { kinds: mediaKinds, outputPath: abs, width: portrait ? size.height : size.width, height: portrait ? size.width : size.height, videoBitrate: BITRATE[quality] }, this.deps.ffmpegPath, this.log);
    let markFinished!: () => void;
    const entry: Entry = { id, key, ref: room.ref, request, job, tapIds: [], stopping: false, finished: new Promise((r) => (markFinished = r)) };
    this.entries.set(key, entry);
    const type = track ? 'track' : 'participant';
    try {
      await mkdir(dirname(abs), { recursive: true });
      await this.deps.store.insert({ id, roomId, sessionId: room.sessionId, type, participantId, trackKind: track ?? null, filePath: rel, config: request.config ?? {} });
    } catch (err) {
      this.entries.delete(key);
      this.deps.manager.release(id);
      throw new RoomkitError('START_RECORDING_FAILED', `could not prepare ${what(request)}: ${(err as Error).message}`, { cause: err });
    }
    this.webhook(entry, 'recording-starting', {});
    job.onEnded((outcome) => void this.onEnded(entry, outcome).finally(markFinished));
    try {
      await job.start();
      for (let i = 0; i < kinds.length; i++) {
        const port = job.ports.get(mediaKinds[i]!)!;
        entry.tapIds.push(await room.addRtpTap({ participantId, kind: kinds[i]!, port, payloadType: mediaKinds[i] === 'audio' ? TAP_AUDIO_PT : TAP_VIDEO_PT }));
      }
    } catch (err) {
      await job.stop('failed', (err as Error).message);
      await entry.finished;
      if (err instanceof RoomkitError) throw err;
      throw new RoomkitError('START_RECORDING_FAILED', `${what(request)} could not start: ${(err as Error).message}`, { cause: err });
    }
    // Low disk fails the recording; the maximum duration stops it as a stop request would.
    const unwatch = this.deps.limits?.watch((reached) => {
      if (entry.stopping) return;
      this.log.warn({ roomId, participantId, id, limit: reached.limit }, reached.message);
      if (reached.limit === 'disk') void job.stop('failed', reached.message);
      else {
        entry.maxDuration = true;
        void this.end(entry, 'stopped');
      }
    });
    if (unwatch) void entry.finished.then(unwatch);
    void job.waitForMedia(FIRST_MEDIA_TIMEOUT_MS).then((ok) => {
      if (ok) this.webhook(entry, 'recording-started', {});
      else if (!entry.stopping) void job.stop('failed', `no media from ${participantId} reached the recorder within ${FIRST_MEDIA_TIMEOUT_MS / 1000} s`);
    });
    return { id };
  }

  /** Stops a running recording and resolves once its file is finished; STOP_RECORDING_FAILED if none runs. */
  async stop(roomId: string, participantId: string, track?: TrackRecordingKind): Promise<string> {
    const entry = this.entries.get(keyOf(roomId, participantId, track));
    if (!entry || entry.stopping) {
      throw new RoomkitError('STOP_RECORDING_FAILED', entry ? `${what({ participantId, track })} is already stopping` : `no ${track ? `${track} track` : 'participant'} recording of "${participantId}" is running in room "${roomId}"`);
    }
    await this.end(entry, 'stopped');
    return entry.id;
  }

  private async end(entry: Entry, reason: 'stopped' | 'meeting-ended' | 'shutdown'): Promise<void> {
    if (!entry.stopping) {
      entry.stopping = true;
      this.webhook(entry, 'recording-stopping', {});
      // Taps go once ffmpeg has exited (onEnded): it ends sooner while packets still arrive.
      void entry.job.stop(reason);
    }
    await entry.finished;
  }

  private async removeTaps(entry: Entry): Promise<void> {
    const room = this.deps.rooms()?.room(entry.ref.roomId);
    const tapIds = entry.tapIds.splice(0);
    if (room && room.sessionId === entry.ref.sessionId) await Promise.all(tapIds.map((t) => room.removeRtpTap(t)));
  }

  private async onEnded(entry: Entry, outcome: JobOutcome): Promise<void> {
    entry.stopping = true;
    egressDuration.observe({ kind: 'participant', outcome: outcome.reason }, outcome.durationSeconds);
    await this.removeTaps(entry).catch(() => {});
    this.deps.manager.release(entry.id);
    const stored = await this.deps.store.get(entry.id);
    const abs = stored ? join(this.deps.dataDir, stored.filePath) : null;
    const size = abs ? await stat(abs).then((s) => s.size, () => null) : null;
    const duration = abs && size ? await probeDuration(this.deps.ffprobePath, abs) : null;
    const usable = size !== null && size > 0 && duration !== null;
    if (!usable && abs) await rm(abs, { force: true });
    await this.deps.store.finish(entry.id, { status: usable ? 'completed' : 'failed', size: usable ? size : null, duration, error: outcome.error ?? null }).catch((err: unknown) => this.log.error({ err }, 'recording row not updated'));
    if (outcome.reason === 'failed') this.webhook(entry, 'recording-failed', { error: `${what(entry.request)} failed: ${outcome.error ?? 'unknown error'}` });
    this.webhook(entry, 'recording-stopped', {
      ...(usable ? { fileUrl: recordingFileUrl(this.deps.baseUrl(), entry.id), filePath: stored!.filePath, size, duration } : {}),
      ...(entry.maxDuration ? { reason: 'max-duration' } : {}),
    });
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  private webhook(entry: Entry, type: string, extra: Record<string, unknown>): void {
    const { participantId, track } = entry.request;
    this.deps.notify(entry.ref, type, { id: entry.id, recordingId: entry.id, type: track ? 'track' : 'participant', participantId, kind: track ?? 'audio_video', ...extra }, entry.request.webhookUrl, fromParticipant(entry.request));
  }

  /** The participant left: their recordings finish (file kept, `recording-stopped` with its URL). */
  onParticipantLeft(session: SessionRef, participantId: string): void {
    for (const entry of this.entries.values()) {
      if (entry.ref.roomId === session.roomId && entry.ref.sessionId === session.sessionId && entry.request.participantId === participantId) void this.end(entry, 'stopped');
    }
  }

  onSessionEnded(session: SessionRef): void {
    for (const entry of this.entries.values()) {
      if (entry.ref.roomId === session.roomId && entry.ref.sessionId === session.sessionId) void this.end(entry, 'meeting-ended');
    }
  }

  /** Server shutdown: finish every file. */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.values()].map((e) => this.end(e, 'shutdown')));
  }
}
