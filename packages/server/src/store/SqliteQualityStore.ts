// Call quality samples in SQLite (table quality_samples, migration 8): written by the rooms
// layer's sampler, read by the stats routes, capped per participant and pruned by age.
import type Database from 'better-sqlite3';
import type { QualitySample } from '../rooms/quality/types.js';
import type { PageRequest, PageResult, StoredQualitySample } from './Store.js';
import { averageSamples } from '../rooms/quality/sampleMath.js';

/**
 * The participant id of a session's own rows: every participant's samples of one moment averaged,
 * written with them, so the session route reads one row per moment (ids are never empty).
 */
export const SESSION_ROW_ID = '';

/** Samples kept per participant, session and source: 6 hours at the default 5 s; the oldest go first. */
export const QUALITY_SAMPLES_PER_PARTICIPANT = 4320;
/** Rows one pruning transaction deletes: pruning never holds the database for long. */
export const QUALITY_PRUNE_BATCH = 2000;

interface SampleRow {
  participant_id: string;
  source: string;
  at: number;
  audio_score: number | null;
  video_score: number | null;
  figures: string;
}

const fromRow = (r: SampleRow): StoredQualitySample => {
  const figures = JSON.parse(r.figures) as Pick<StoredQualitySample, 'send' | 'recv'>;
  return { participantId: r.participant_id, source: r.source as StoredQualitySample['source'], at: new Date(r.at), send: figures.send ?? {}, recv: figures.recv ?? {}, audioScore: r.audio_score, videoScore: r.video_score };
};

/** Participants whose row count is remembered; past this the memory is dropped and re-read lazily. */
const COUNTED_KEYS_MAX = 10_000;

export class SqliteQualityStore {
  /**
   * Rows per `session/participant/source`, read once with COUNT(*) and then kept up to date here:
   * counting a long call's rows on every insert would scan thousands of index entries per sample.
   */
  private readonly rowCounts = new Map<string, number>();
  private readonly insert: Database.Statement;
  private readonly count: Database.Statement;
  private readonly trim: Database.Statement;
  private readonly pruneBatch: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly perParticipant = QUALITY_SAMPLES_PER_PARTICIPANT,
  ) {
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO quality_samples (session_id, participant_id, source, at, room_id, audio_score, video_score, figures, client)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.count = db.prepare('SELECT COUNT(*) AS n FROM quality_samples WHERE session_id = ? AND participant_id = ? AND source = ?');
    this.trim = db.prepare(
      `DELETE FROM quality_samples WHERE id IN (
         SELECT id FROM quality_samples WHERE session_id = ? AND participant_id = ? AND source = ? ORDER BY at LIMIT ?)`,
    );
    this.pruneBatch = db.prepare(`DELETE FROM quality_samples WHERE id IN (SELECT id FROM quality_samples WHERE at < ? ORDER BY at LIMIT ${QUALITY_PRUNE_BATCH})`);
  }

  /** One transaction per round of samples, with each session's average row; beyond the cap a participant's oldest samples go. */
  record(samples: readonly QualitySample[]): void {
    const moments = new Map<string, QualitySample[]>();
    for (const s of samples) {
      const key = `${s.sessionId}\n${s.source}\n${s.at.getTime()}`;
      const list = moments.get(key);
      if (list) list.push(s);
      else moments.set(key, [s]);
    }
    const averages = [...moments.values()].map((list): QualitySample => ({
      sessionId: list[0]!.sessionId, roomId: list[0]!.roomId, participantId: SESSION_ROW_ID, at: list[0]!.at, source: list[0]!.source, ...averageSamples(list),
    }));
    this.db.transaction(() => {
      for (const s of [...samples, ...averages]) {
        const client = s.device || s.sdk ? JSON.stringify({ device: s.device, sdk: s.sdk }) : null;
        const key = `${s.sessionId}/${s.participantId}/${s.source}`;
        let n = this.rowCounts.get(key);
        const inserted = this.insert.run(s.sessionId, s.participantId, s.source, s.at.getTime(), s.roomId, s.audioScore, s.videoScore, JSON.stringify({ send: s.send, recv: s.recv }), client);
        if (n === undefined) {
          if (this.rowCounts.size >= COUNTED_KEYS_MAX) this.rowCounts.clear();
          n = (this.count.get(s.sessionId, s.participantId, s.source) as { n: number }).n;
        } else if (inserted.changes > 0) {
          n += 1;
        }
        if (n > this.perParticipant) {
          this.trim.run(s.sessionId, s.participantId, s.source, n - this.perParticipant);
          n = this.perParticipant;
        }
        this.rowCounts.set(key, n);
      }
    })();
  }

  /** A session's averaged rows (one per sample time), oldest first. */
  sessionSamples(sessionId: string, source: 'server' | 'sdk', page: PageRequest): PageResult<StoredQualitySample> {
    return this.participantSamples(sessionId, SESSION_ROW_ID, source, page);
  }

  participantSamples(sessionId: string, participantId: string, source: 'server' | 'sdk', page: PageRequest): PageResult<StoredQualitySample> {
    const { n } = this.count.get(sessionId, participantId, source) as { n: number };
    const rows = this.db
      .prepare('SELECT participant_id, source, at, audio_score, video_score, figures FROM quality_samples WHERE session_id = ? AND participant_id = ? AND source = ? ORDER BY at LIMIT ? OFFSET ?')
      .all(sessionId, participantId, source, page.perPage, (page.page - 1) * page.perPage) as SampleRow[];
    return { items: rows.map(fromRow), total: n };
  }

  /** What the participant's SDK last said it runs (from its newest report naming it), null if never. */
  participantClient(sessionId: string, participantId: string): { device?: { name: string; version: string }; sdk?: { name: string; version: string } } | null {
    const row = this.db
      .prepare("SELECT client FROM quality_samples WHERE session_id = ? AND participant_id = ? AND source = 'sdk' AND client IS NOT NULL ORDER BY at DESC LIMIT 1")
      .get(sessionId, participantId) as { client: string } | undefined;
    return row ? JSON.parse(row.client) : null;
  }

  /** Deletes one batch of samples older than `before`; returns how many (less than a batch: done). */
  pruneOnce(before: Date): number {
    const { changes } = this.pruneBatch.run(before.getTime());
    if (changes > 0) this.rowCounts.clear(); // some counts are now too high: re-read them
    return changes;
  }
}
