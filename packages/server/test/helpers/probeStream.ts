// ffprobe as a test oracle: reads a file or a live URL (rtmp://, http://...m3u8) and returns its
// streams, with a hard timeout so a stream that never comes cannot hang a test.
import { execFile } from 'node:child_process';

export interface ProbedStream {
  codec_type: 'video' | 'audio' | string;
  codec_name: string;
  width?: number;
  height?: number;
  sample_rate?: string;
}

export interface ProbeResult {
  streams: ProbedStream[];
  format?: { format_name?: string; duration?: string };
}

export function probeStream(url: string, opts: { timeoutMs?: number; extraArgs?: string[] } = {}): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', ...(opts.extraArgs ?? []), url];
  return new Promise((resolve, reject) => {
    execFile('ffprobe', args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`ffprobe ${url} failed: ${stderr.trim() || err.message}`));
      try {
        resolve(JSON.parse(stdout) as ProbeResult);
      } catch (parseErr) {
        reject(new Error(`ffprobe ${url}: unreadable output`, { cause: parseErr }));
      }
    });
  });
}
