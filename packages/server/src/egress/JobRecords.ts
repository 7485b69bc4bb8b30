// The recent jobs of one egress kind on this node, newest first, for `GET /v2/<kind>?roomId=`.
// In memory and bounded: history does not survive a restart (recordings keep theirs in the store).
export interface JobRecordBase {
  id: string;
  roomId: string;
  sessionId: string;
  start: Date;
  end: Date | null;
}

const KEEP = 500;

export class JobRecords<R extends JobRecordBase> {
  private readonly byId = new Map<string, R>();

  add(record: R): R {
    this.byId.set(record.id, record);
    if (this.byId.size > KEEP) this.byId.delete(this.byId.keys().next().value!);
    return record;
  }

  get(id: string): R | undefined {
    return this.byId.get(id);
  }

  /** Newest first, optionally of one room and/or session. */
  list(filter: { roomId?: string; sessionId?: string } = {}): R[] {
    return [...this.byId.values()]
      .filter((r) => (filter.roomId === undefined || r.roomId === filter.roomId) && (filter.sessionId === undefined || r.sessionId === filter.sessionId))
      .reverse();
  }
}
