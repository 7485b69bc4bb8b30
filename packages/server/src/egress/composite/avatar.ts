// What a tile shows while a participant's camera is off: their initial on a square and their name,
// rendered once per participant and tile size by a one-frame ffmpeg run (drawtext), as raw I420.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { I420Frame } from './I420Canvas.js';

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
];

let font: string | null | undefined;

/** A font ffmpeg's drawtext can use, or null (tiles then go without text). */
export function labelFont(): string | null {
  font ??= FONT_CANDIDATES.find((f) => existsSync(f)) ?? null;
  return font;
}

/** ffmpeg's filter-option escaping for a value inside a filtergraph. */
export const filterValue = (v: string) => v.replace(/[\\:',;[\]=]/g, (c) => `\\${c}`);

export interface AvatarParams {
  width: number;
  height: number;
  /** 0xRRGGBB */
  background: string;
  initialFile: string;
  labelFile: string;
}

export function avatarArgs(p: AvatarParams, fontFile: string | null): string[] {
  const { width: w, height: h } = p;
  const side = Math.round(Math.min(w, h) * 0.36);
  const filters = [`drawbox=x=${Math.round((w - side) / 2)}:y=${Math.round((h - side) / 2)}:w=${side}:h=${side}:color=0x5a6270:t=fill`];
  if (fontFile) {
    const f = filterValue(fontFile);
    const labelSize = Math.max(12, Math.round(Math.min(w, h) / 18));
    filters.push(
      `drawtext=fontfile=${f}:textfile=${filterValue(p.initialFile)}:expansion=none:fontsize=${Math.round(side / 2)}:fontcolor=white:x=(w-tw)/2:y=(h-th)/2`,
      `drawtext=fontfile=${f}:textfile=${filterValue(p.labelFile)}:expansion=none:fontsize=${labelSize}:fontcolor=white:box=1:boxcolor=black@0.5:boxborderw=6:x=12:y=h-th-12`,
    );
  }
  filters.push('format=yuv420p');
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `color=c=${p.background}:s=${w}x${h}`,
    '-vf', filters.join(','), '-frames:v', '1', '-f', 'rawvideo', 'pipe:1',
  ];
}

/** Renders one avatar frame; rejects if ffmpeg fails. */
export function renderAvatar(ffmpegPath: string, p: AvatarParams): Promise<I420Frame> {
  return new Promise((resolve, reject) => {
    const ff = spawn(ffmpegPath, avatarArgs(p, labelFont()), { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    ff.stdout.on('data', (c: Buffer) => chunks.push(c));
    ff.stderr.on('data', (c: Buffer) => (err += c.toString()));
    ff.once('error', reject);
    ff.once('close', (code) => {
      const data = Buffer.concat(chunks);
      if (code !== 0 || data.length !== I420Frame.byteLength(p.width, p.height)) return reject(new Error(`avatar render failed (code ${code}): ${err.trim().slice(-300)}`));
      resolve(new I420Frame(p.width, p.height, data));
    });
  });
}
