// Node-client participants for server tests (media on 127.0.0.1), remembered so that afterAll can
// make them all leave; plus the polling helpers those tests share.
import { fetchDevToken, initMeeting, type Meeting, type SyntheticMedia } from '@roomkit/node-client';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it returns something truthy or `timeoutMs` passed; returns its last value. */
export async function until<T>(check: () => T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = check();
  while (!v && Date.now() < deadline) {
    await sleep(100);
    v = check();
  }
  return v;
}

export class NodeParticipants {
  private readonly meetings: Meeting[] = [];

  constructor(private readonly serverUrl: () => string) {}

  /** Joins `room`; a publisher sends synthetic camera and mic (`media`, default: the default encoding), a subscriber joins RECV_ONLY. */
  async join(room: string, name: string, publish: boolean, media?: SyntheticMedia): Promise<Meeting> {
    const url = this.serverUrl();
    const meeting = initMeeting({
      meetingId: room, name, signalingBaseUrl: url, token: await fetchDevToken(url, room),
      mode: publish ? 'SEND_AND_RECV' : 'RECV_ONLY', micEnabled: publish, webcamEnabled: publish, bindAddress: '127.0.0.1',
      ...(media ? { media } : {}),
    });
    this.meetings.push(meeting);
    await meeting.join();
    return meeting;
  }

  async leaveAll(): Promise<void> {
    for (const m of this.meetings.splice(0)) await m.leave().catch(() => {});
  }
}
