import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from './chromium.js';
import { startNginxRtmp, type NginxRtmp } from './nginxRtmp.js';
import { probeStream } from './probeStream.js';

describe('startNginxRtmp', () => {
  let nginx: NginxRtmp | undefined;
  let ffmpeg: ChildProcess | undefined;
  afterEach(async () => {
    ffmpeg?.kill('SIGKILL');
    await nginx?.stop();
  });

  it('accepts an RTMP publish that ffprobe reads back as H.264 + AAC, and stop() leaves no process', async () => {
    nginx = await startNginxRtmp();
    ffmpeg = spawn('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25',
      '-c:a', 'aac', '-f', 'flv', nginx.playUrl('probe'),
    ], { stdio: 'ignore' });
    let probe;
    for (let attempt = 0; attempt < 10 && !probe; attempt++) {
      probe = await probeStream(nginx.playUrl('probe'), { timeoutMs: 8_000 }).catch(() => undefined);
      if (!probe) await new Promise((r) => setTimeout(r, 300));
    }
    expect(probe, await nginx.errorLog()).toBeDefined();
    const codecs = probe!.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort();
    expect(codecs).toEqual(['audio:aac', 'video:h264']);
    const { pid, port } = nginx;
    await nginx.stop();
    nginx = undefined;
    expect(isAlive(pid!)).toBe(false);
    const refused = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => { s.destroy(); r(false); });
      s.once('error', () => r(true));
    });
    expect(refused).toBe(true);
  });
});
