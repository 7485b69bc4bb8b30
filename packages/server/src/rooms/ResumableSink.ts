// A participant's event channel that outlives its socket: every event gets a sequence number and
// stays in a bounded history, so when the client reconnects and says the last `seq` it received,
// the events it missed (sent into a dead socket, or while it had none) are replayed in order.
import type { SequencedEvent, ServerEvent } from '@roomkit/protocol';
import type { ParticipantSink } from './types.js';

/** Events kept for replay. A reconnect that missed more than this cannot resume. */
export const REPLAY_HISTORY = 512;

/** The connection side: a socket that takes sequenced events. */
export interface ConnectionSink {
  send(event: SequencedEvent): void;
  disconnect(): void;
}

export class ResumableSink implements ParticipantSink {
  private seq = 0;
  private history: Array<{ seq: number; event: ServerEvent }> = [];
  private current: ConnectionSink | null;
  /** While true, events are only recorded: a resume is waiting for its response to go out first. */
  private holding = false;

  /** `holding`: events are only recorded until release() (a join whose response is not out yet). */
  constructor(connection: ConnectionSink, holding = false) {
    this.current = connection;
    this.holding = holding;
  }

  get connection(): ConnectionSink | null {
    return this.current;
  }

  get lastSeq(): number {
    return this.seq;
  }

  send(event: ServerEvent): void {
    const seq = ++this.seq;
    this.history.push({ seq, event });
    if (this.history.length > REPLAY_HISTORY * 2) this.history = this.history.slice(-REPLAY_HISTORY);
    if (this.current && !this.holding) this.current.send({ ...event, seq });
  }

  /**
   * An event that is not worth replaying (a data message: up to 20 KB each, from everyone): sent
   * without `seq` and kept out of the history, so it neither counts against a resume nor holds
   * memory. Dropped while there is no socket, or before the join response went out.
   */
  sendEphemeral(event: ServerEvent): void {
    if (this.current && !this.holding) this.current.send(event);
  }

  disconnect(): void {
    this.current?.disconnect();
  }

  /** The socket `connection` is gone; events are kept for a resume. */
  detach(connection: ConnectionSink): boolean {
    if (this.current !== connection) return false;
    this.current = null;
    return true;
  }

  /** True if every event after `lastSeq` is still in the history. */
  canReplayFrom(lastSeq: number): boolean {
    if (lastSeq > this.seq) return false;
    if (lastSeq === this.seq) return true;
    const kept = this.history.slice(-REPLAY_HISTORY);
    return kept.length > 0 && kept[0]!.seq <= lastSeq + 1;
  }

  /**
   * Makes `connection` the socket; events wait until release(). Returns the socket it replaced
   * (still open when the server had not noticed the drop yet), for the caller to close.
   */
  attach(connection: ConnectionSink): ConnectionSink | null {
    const previous = this.current;
    this.current = connection;
    this.holding = true;
    return previous === connection ? null : previous;
  }

  /** Sends every event after `lastSeq` (missed and held ones) and resumes live delivery. */
  release(lastSeq: number): number {
    this.holding = false;
    let sent = 0;
    for (const { seq, event } of this.history) {
      if (seq <= lastSeq) continue;
      this.current?.send({ ...event, seq });
      sent++;
    }
    return sent;
  }

  /** Events a resume from `lastSeq` would replay. */
  missedSince(lastSeq: number): number {
    return Math.max(0, this.seq - lastSeq);
  }
}
