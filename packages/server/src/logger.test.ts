// Logs for people on a terminal, JSON lines for machines: the format choice and the readable line.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { prettyStream, resolveLogFormat } from './logger.js';

describe('log format', () => {
  it('auto is readable on a terminal and JSON when piped; json and pretty are what they say', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('pretty prints one readable line: time, level, module, message, fields — no JSON braces, no pid', async () => {
    let out = '';
    const destination = new Writable({ write: (chunk, _enc, done) => { out += String(chunk); done(); } });
    const log = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, prettyStream(destination, false));
    log.child({ module: 'roomkit:server' }).warn({ port: 7880 }, 'listening');
    await new Promise((r) => setTimeout(r, 50));
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[roomkit:server\] listening \{?"?port"?: ?7880/);
    expect(out).not.toContain('"level"');
    expect(out).not.toContain('pid');
  });
});
