// Brings a joined meeting back after its signaling socket dropped: new sockets with backoff until
// one `resume`s the same participant (the server replays the events we missed), or until the
// server's grace period is over. Media PeerConnections are separate and normally keep running.
import { ErrorCode, RoomkitError } from './protocolRuntime.js';
import { SignalingClient, type SignalingHandlers } from './SignalingClient.js';
import type { Logger } from './Logger.js';
import type { ResumeResult } from '@roomkit/protocol';

/** Delays between attempts; the last one repeats. */
const BACKOFF_MS = [0, 500, 1000, 2000, 3000];
/** An attempt whose socket has not opened and resumed by then is abandoned (a silent network). */
const ATTEMPT_TIMEOUT_MS = 3_000;

export interface ReconnectorHost {
  readonly log: Logger;
  url(): string;
  handlers(): SignalingHandlers;
  /** The dropped client (its last event `seq` and its pending event chain carry over). */
  current(): SignalingClient | null;
  /** What `resume` needs; null if we never joined. */
  credentials(): { meetingId: string; participantId: string; resumeToken: string; graceSeconds: number } | null;
  /** False once the meeting was left meanwhile: stop trying. */
  stillWanted(): boolean;
  reconnecting(): void;
  /** The new client resumed; the host swaps it in and repairs media (`result` carries fresh ICE servers). */
  resumed(client: SignalingClient, result: ResumeResult): void;
  /** No resume was possible (grace over, or refused). */
  gaveUp(reason: string): void;
}

export class Reconnector {
  private running = false;

  constructor(private readonly host: ReconnectorHost) {}

  get active(): boolean {
    return this.running;
  }

  /** Starts reconnecting (once; a second drop while running is the same outage). */
  start(): void {
    if (this.running) return;
    const creds = this.host.credentials();
    if (!creds || creds.graceSeconds <= 0) {
      this.host.gaveUp('Socket disconnected');
      return;
    }
    this.running = true;
    this.host.reconnecting();
    void this.loop(creds).finally(() => (this.running = false));
  }

  private async loop(creds: NonNullable<ReturnType<ReconnectorHost['credentials']>>): Promise<void> {
    // The server's grace started when it noticed the drop, at most ~10 s after us: keep trying a
    // little past our own copy of it; the server's refusal is the real end.
    const deadline = Date.now() + creds.graceSeconds * 1000 + 5_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      await sleep(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!);
      if (!this.host.stillWanted()) return;
      const previous = this.host.current();
      const client = new SignalingClient(this.host.url(), this.host.handlers(), this.host.log, previous ?? undefined);
      let connected = false;
      let result: ResumeResult;
      try {
        await withTimeout(client.connect(), ATTEMPT_TIMEOUT_MS);
        connected = true;
        result = await client.request(
          { t: 'resume', meetingId: creds.meetingId, participantId: creds.participantId, resumeToken: creds.resumeToken, lastSeq: client.lastSeq },
          ATTEMPT_TIMEOUT_MS,
        );
      } catch (err) {
        client.close();
        // The server answered and said no: the participant is gone, retrying cannot help. (Lost
        // sockets and timeouts reject with SOMETHING_WENT_WRONG; those are worth another try.)
        if (connected && err instanceof RoomkitError && err.code !== ErrorCode.SOMETHING_WENT_WRONG) {
          this.host.log.debug('resume refused', err);
          this.host.gaveUp(err.message);
          return;
        }
        this.host.log.debug(`reconnect attempt ${attempt + 1} failed`, err);
        continue;
      }
      if (!this.host.stillWanted()) {
        client.close();
        return;
      }
      this.host.resumed(client, result);
      return;
    }
    this.host.gaveUp(`Socket disconnected and not resumed within ${creds.graceSeconds} s`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RoomkitError('SOMETHING_WENT_WRONG', `connect timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
