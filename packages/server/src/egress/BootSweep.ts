// What a crash (kill -9, power loss) leaves behind, dealt with before the server takes new jobs:
// recordings still 'recording' become failed (the file kept when ffprobe reads it: fragmented
// MP4 is playable up to the cut; removed otherwise), livestream/HLS jobs still 'ongoing' become
// failed, each with its `<kind>-failed` and `<kind>-stopped` webhooks; HLS directories that
// nothing keeps are removed (a cut-off kept stream gets its ENDLIST), and the jobs' scratch
// directory is emptied.
import { appendFile, readFile, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '../logger.js';
import type { EgressNotifier } from './EgressService.js';
import type { HlsKind } from './hls/HlsKind.js';
import type { LivestreamKind } from './livestream/LivestreamKind.js';
import { hlsDirOf } from './hls/HlsOutput.js';
import { probeDuration } from './recording/RecordingKind.js';
import type { RecordingStore } from './recording/RecordingStore.js';

export interface BootSweepDeps {
  dataDir: string;
  tmpDir: string;
  ffprobePath: string;
  recordings: RecordingStore;
  livestream: Pick<LivestreamKind, 'records'>;
  hls: Pick<HlsKind, 'records'>;
  notify: EgressNotifier;
}

export interface SweepReport {
  recordings: number;
  streams: number;
  hlsDirsRemoved: number;
}

export const CUT_OFF = 'the server stopped while the job ran (killed or crashed)';

export async function sweepAfterCrash(deps: BootSweepDeps): Promise<SweepReport> {
  const log = logger('egress:BootSweep');
  const report: SweepReport = { recordings: 0, streams: 0, hlsDirsRemoved: 0 };
  await rm(deps.tmpDir, { recursive: true, force: true }).catch((err) => log.warn({ err }, 'could not empty the egress scratch directory'));

  for (const r of await deps.recordings.cutOff()) {
    const abs = join(deps.dataDir, r.filePath);
    const size = await stat(abs).then((s) => s.size, () => null);
    const duration = size ? await probeDuration(deps.ffprobePath, abs) : null;
    const usable = size !== null && size > 0 && duration !== null;
    if (!usable) await rm(abs, { force: true });
    const error = `${CUT_OFF}; ${usable ? `the file holds the ${duration} s written until then` : 'no playable file was written'}`;
    await deps.recordings.finish(r.id, { status: 'failed', size: usable ? size : null, duration, error });
    const data = {
      id: r.id,
      recordingId: r.id,
      ...(r.type === 'composite' ? {} : { type: r.type, participantId: r.participantId, kind: r.trackKind ?? 'audio_video' }),
    };
    const ref = { roomId: r.roomId, sessionId: r.sessionId };
    deps.notify(ref, 'recording-failed', { ...data, error });
    deps.notify(ref, 'recording-stopped', usable ? { ...data, filePath: r.filePath, size, duration } : data);
    report.recordings++;
  }

  for (const [kind, records] of [['livestream', deps.livestream.records], ['hls', deps.hls.records]] as const) {
    for (const job of records.cutOff(CUT_OFF)) {
      const ref = { roomId: job.roomId, sessionId: job.sessionId };
      deps.notify(ref, `${kind}-failed`, { id: job.id, error: CUT_OFF });
      deps.notify(ref, `${kind}-stopped`, { id: job.id });
      report.streams++;
    }
  }

  // HLS files: kept streams stay (a cut-off one's DVR playlist ends where the segments end);
  // everything else goes (a crash also skipped the removal a minute after the end).
  const hlsRoot = join(deps.dataDir, 'hls');
  for (const roomId of await readdir(hlsRoot).catch(() => [] as string[])) {
    for (const id of await readdir(join(hlsRoot, roomId)).catch(() => [] as string[])) {
      const record = deps.hls.records.get(id);
      const dir = hlsDirOf(deps.dataDir, roomId, id);
      if (record && record.roomId === roomId && (record.keep || record.recordingUrl !== null)) {
        const dvr = join(dir, 'index.m3u8');
        const text = await readFile(dvr, 'utf8').catch(() => null);
        if (text !== null && !text.includes('#EXT-X-ENDLIST')) await appendFile(dvr, `${text.endsWith('\n') ? '' : '\n'}#EXT-X-ENDLIST\n`).catch(() => {});
        continue;
      }
      await rm(dir, { recursive: true, force: true });
      report.hlsDirsRemoved++;
    }
    await rmdir(join(hlsRoot, roomId)).catch(() => {}); // only if now empty
  }
  if (report.recordings + report.streams + report.hlsDirsRemoved > 0) log.warn(report, 'cleaned up after an unclean stop');
  return report;
}
