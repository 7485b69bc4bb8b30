import { describe, expect, it } from 'vitest';
import { UNSUPPORTED } from './compatMembers.js';
import { Meeting } from './Meeting.js';

describe('js-sdk Meeting members Roomkit lacks', () => {
  const meeting = new Meeting({ meetingId: 'compat-room', signalingBaseUrl: 'http://127.0.0.1:1' }, undefined);

  it.each(Object.entries(UNSUPPORTED.Meeting))('meeting.%s() rejects with 3068 and says why', async (name, why) => {
    const p = (meeting as unknown as Record<string, () => Promise<unknown>>)[name]!();
    const err = await p.catch((e: Error) => e);
    expect((err as { code: number }).code).toBe(3068);
    expect((err as Error).message).toContain(why);
  });

  it('isE2EEEnabled is false', () => {
    expect(meeting.isE2EEEnabled).toBe(false);
  });
});
