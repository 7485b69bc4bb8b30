// Synthetic camera and microphone: test patterns encoded once with ffmpeg (VP8 per simulcast layer,
// Opus), cached on disk by their parameters, parsed into frames/packets and shared in memory by every
// publisher in the process.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseIvf } from './ivf.js';
import { parseOggOpus } from './ogg.js';
import { isVp8Keyframe } from '../rtp/vp8.js';

const run = promisify(execFile);

export interface VideoLayerSpec {
  /** Simulcast rid (`q`, `h`, `f` for the browser SDK's low/med/high). */
  rid: string;
  width: number;
  height: number;
  bitrateKbps: number;
}

/** The browser SDK's camera layers (client constants.ts CAMERA_SIMULCAST_ENCODINGS). */
export const DEFAULT_LAYERS: readonly VideoLayerSpec[] = [
  { rid: 'q', width: 320, height: 180, bitrateKbps: 150 },
  { rid: 'h', width: 640, height: 360, bitrateKbps: 500 },
  { rid: 'f', width: 1280, height: 720, bitrateKbps: 1500 },
];

export interface SyntheticMediaOptions {
  /** Layers, lowest first. Default DEFAULT_LAYERS. */
  layers?: readonly VideoLayerSpec[];
  frameRate?: number;
  /** Keyframe interval in frames (ffmpeg -g). Default 60. */
  gop?: number;
  /** Length of the loop in seconds. Default 10. */
  durationSec?: number;
  audioBitrateKbps?: number;
  /** Where encoded files are kept; default $ROOMKIT_MEDIA_CACHE or <tmpdir>/roomkit-synthetic-media. */
  cacheDir?: string;
  ffmpegPath?: string;
}

export interface VideoLayerSource extends VideoLayerSpec {
  frames: Buffer[];
  /** RTP timestamp offset (90 kHz) of each frame from the start of the loop. */
  timestamps: number[];
  /** Indexes of keyframes in `frames`, ascending; frames[0] is always one. */
  keyframes: number[];
  /** RTP timestamp span of one pass through the loop. */
  loopTicks: number;
}

export interface SyntheticMedia {
  frameRate: number;
  layers: VideoLayerSource[];
  /** Opus packets of 20 ms each. */
  audio: Buffer[];
}

const memo = new Map<string, Promise<SyntheticMedia>>();

/** Encodes (first time only, then from the disk cache) and parses the synthetic media. */
export function loadSyntheticMedia(options: SyntheticMediaOptions = {}): Promise<SyntheticMedia> {
  const o = {
    layers: options.layers ?? DEFAULT_LAYERS,
    frameRate: options.frameRate ?? 30,
    gop: options.gop ?? 60,
    durationSec: options.durationSec ?? 10,
    audioBitrateKbps: options.audioBitrateKbps ?? 32,
  };
  const cacheDir = options.cacheDir ?? process.env.ROOMKIT_MEDIA_CACHE ?? join(tmpdir(), 'roomkit-synthetic-media');
  const key = createHash('sha1').update(JSON.stringify(o)).digest('hex').slice(0, 16);
  let loading = memo.get(`${cacheDir}:${key}`);
  if (!loading) {
    loading = load(o, join(cacheDir, key), options.ffmpegPath ?? 'ffmpeg');
    memo.set(`${cacheDir}:${key}`, loading);
    loading.catch(() => memo.delete(`${cacheDir}:${key}`));
  }
  return loading;
}

async function load(
  o: { layers: readonly VideoLayerSpec[]; frameRate: number; gop: number; durationSec: number; audioBitrateKbps: number },
  dir: string,
  ffmpeg: string,
): Promise<SyntheticMedia> {
  await mkdir(dir, { recursive: true });
  const layers = await Promise.all(
    o.layers.map(async (layer) => {
      const file = join(dir, `${layer.rid}-${layer.width}x${layer.height}-${layer.bitrateKbps}k.ivf`);
      const kbps = layer.bitrateKbps;
      await encodeOnce(ffmpeg, file, [
        '-f', 'lavfi', '-i', `testsrc2=size=${layer.width}x${layer.height}:rate=${o.frameRate}`, '-t', String(o.durationSec),
        '-c:v', 'libvpx', '-b:v', `${kbps}k`, '-minrate', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
        '-g', String(o.gop), '-keyint_min', String(o.gop), '-auto-alt-ref', '0', '-lag-in-frames', '0',
        '-error-resilient', '1', '-deadline', 'realtime', '-cpu-used', '8', '-f', 'ivf',
      ]);
      return layerSource(layer, parseIvf(await readFile(file)), o.frameRate);
    }),
  );
  const audioFile = join(dir, `audio-${o.audioBitrateKbps}k.ogg`);
  await encodeOnce(ffmpeg, audioFile, [
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(o.durationSec),
    '-c:a', 'libopus', '-b:a', `${o.audioBitrateKbps}k`, '-frame_duration', '20', '-application', 'voip', '-f', 'ogg',
  ]);
  const audio = parseOggOpus(await readFile(audioFile));
  if (audio.length === 0) throw new Error(`${audioFile} holds no Opus packets`);
  return { frameRate: o.frameRate, layers, audio };
}

function layerSource(spec: VideoLayerSpec, ivf: ReturnType<typeof parseIvf>, frameRate: number): VideoLayerSource {
  const keyframes: number[] = [];
  ivf.frames.forEach((f, i) => {
    if (isVp8Keyframe(f)) keyframes.push(i);
  });
  if (keyframes[0] !== 0) throw new Error(`layer ${spec.rid}: the encoded file does not start with a keyframe`);
  // ffmpeg's IVF time base is 1/frameRate, so pts counts frames (a dropped frame leaves a gap).
  const ticksPerPts = 90000 / frameRate;
  const first = ivf.pts[0] ?? 0;
  const timestamps = ivf.pts.map((p) => Math.round((p - first) * ticksPerPts));
  const loopTicks = (timestamps[timestamps.length - 1] ?? 0) + ticksPerPts;
  return { ...spec, frames: ivf.frames, timestamps, keyframes, loopTicks };
}

/** Runs ffmpeg into a temp name and renames, so concurrent processes never read a partial file. */
async function encodeOnce(ffmpeg: string, file: string, args: string[]): Promise<void> {
  if (await exists(file)) return;
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp], { maxBuffer: 1 << 20 });
  } catch (err) {
    throw new Error(`ffmpeg failed to encode ${file}: ${(err as Error).message}`, { cause: err });
  }
  await rename(tmp, file);
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
