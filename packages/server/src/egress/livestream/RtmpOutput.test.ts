import { describe, expect, it } from 'vitest';
import { RtmpOutput, publishUrl } from './RtmpOutput.js';

describe('RtmpOutput', () => {
  it('is a tee slave that ignores its own failure, with the key appended and tee characters escaped', () => {
    expect(publishUrl('rtmp://h/live/', 'k')).toBe('rtmp://h/live/k');
    const out = new RtmpOutput('rtmp://127.0.0.1:1935/live', 'a:b', 0, () => {});
    expect(out.teeSlave()).toBe('[f=flv:onfail=ignore:rw_timeout=10000000]rtmp\\://127.0.0.1\\:1935/live/a\\:b');
    expect(out.name).not.toContain('a:b');
  });

  it('turns "Slave muxer #N failed" for its own index into failed with the reason; other indexes leave it alone', () => {
    const changes: string[] = [];
    const first = new RtmpOutput('rtmp://a/live', 'k', 0, (o) => changes.push(`0:${o.state.status}`));
    const second = new RtmpOutput('rtmp://b/live', 'k', 1, (o) => changes.push(`1:${o.state.status}`));
    first.markLiveIfConnecting();
    second.markLiveIfConnecting();
    const line = '[tee @ 0x55e2cf675680] Slave muxer #1 failed: Connection refused, continuing with 1/2 slaves.';
    first.onFfmpegLine(line);
    second.onFfmpegLine(line);
    expect(first.state).toEqual({ url: 'rtmp://a/live', status: 'live' });
    expect(second.state).toEqual({ url: 'rtmp://b/live', status: 'failed', error: 'Connection refused' });
    second.onFfmpegLine(line); // reported once
    expect(changes).toEqual(['0:live', '1:live', '1:failed']);
  });

  it('marks every live destination failed when ffmpeg says all tee outputs failed, and ended otherwise', async () => {
    const out = new RtmpOutput('rtmp://a/live', 'k', 0, () => {});
    out.markLiveIfConnecting();
    out.onFfmpegLine('[tee @ 0x1] All tee outputs failed.');
    expect(out.state.status).toBe('failed');
    const ok = new RtmpOutput('rtmp://a/live', 'k', 0, () => {});
    await ok.finish();
    expect(ok.state.status).toBe('ended');
  });
});
