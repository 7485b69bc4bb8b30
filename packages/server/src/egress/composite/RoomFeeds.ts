// Keeps a composite's decoders in step with the room: one SFU tap + audio decoder per published
// microphone / screen-share audio (all mixed), one tap + video decoder per visible tile whose
// camera or share is on, at that tile's size. A tile that changes size gets a new decoder and
// keeps showing the old one (scaled) until the new one has a frame; a camera that is off shows
// the participant's avatar. Decoders that die are replaced at the next sync; the job goes on.
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { StreamKind } from '@roomkit/protocol';
import type { LayerIndex } from '../../media/types.js';
import type { TapRequest } from '../../rooms/RoomTaps.js';
import { TAP_AUDIO_PT, TAP_VIDEO_PT } from '../participant/rtpInput.js';
import { AudioFeed } from './AudioFeed.js';
import { AudioMixer } from './AudioMixer.js';
import { labelFont, renderAvatar } from './avatar.js';
import type { I420Frame } from './I420Canvas.js';
import type { LayoutPerson, Tile } from './layout.js';
import type { Theme, TileImage } from './SceneRenderer.js';
import { VideoFeed } from './VideoFeed.js';

/** What a composite needs of a room (rooms/Room implements it). */
export interface CompositeRoom {
  readonly sessionId: string;
  readonly closed: boolean;
  readonly participants: ReadonlyMap<string, CompositeParticipant>;
  readonly activeSpeakerId: string | null;
  readonly presenterId: string | null;
  /** Meeting-wide pins: ids whose camera is pinned, in pin order. */
  readonly pins: { cameraPinned(): string[] };
  addRtpTap(request: TapRequest): Promise<string>;
  removeRtpTap(tapId: string): Promise<void>;
}

export interface CompositeParticipant {
  readonly id: string;
  readonly displayName: string;
  readonly hidden: boolean;
  readonly left: boolean;
  readonly streams: ReadonlyMap<StreamKind, unknown>;
}

/**
 * The simulcast layer a camera tile needs: the smallest whose height (180/360/720 for a 720p
 * camera's three layers) covers the tile once cropped to 16:9, with 25 % of upscaling allowed.
 * Decoding 720p for a strip thumbnail cost ffmpeg several times what 180p does. Shares: the best.
 */
export function layerFor(tile: Pick<Tile, 'w' | 'h' | 'what'>): LayerIndex {
  if (tile.what === 'share') return 2;
  const needed = Math.max(tile.h, (tile.w * 9) / 16) * 0.75;
  return needed <= 180 ? 0 : needed <= 360 ? 1 : 2;
}

/** After a feed failed to start or died, wait this long before trying that stream again. */
const RETRY_MS = 2_000;
const AUDIO_KINDS = ['audio', 'shareAudio'] as const;

interface Feed<F extends VideoFeed | AudioFeed> {
  feed: F;
  tapId: string | null;
  dead: boolean;
}

interface VideoSlot {
  current: Feed<VideoFeed> | null;
  /** A decoder at the tile's new size, shown once it has a frame. */
  pending: Feed<VideoFeed> | null;
}

export class RoomFeeds {
  readonly mixer = new AudioMixer();
  private readonly audios = new Map<string, Feed<AudioFeed>>();
  private readonly videos = new Map<string, VideoSlot>();
  private readonly avatars = new Map<string, { latest: I420Frame | null }>();
  private readonly retryAt = new Map<string, number>();
  private readonly labels = new Set<string>();
  private closed = false;
  /** The room as of the last sync (a promoted decoder's predecessor has its tap removed there). */
  private room: CompositeRoom | null = null;

  constructor(
    private readonly jobId: string,
    private readonly workDir: string,
    private readonly ffmpegPath: string,
    private readonly theme: Theme,
    private readonly log: Logger,
  ) {}

  /** Visible people, in join order, as the layout wants them. */
  static people(room: CompositeRoom): LayoutPerson[] {
    const people: LayoutPerson[] = [];
    let order = 0;
    for (const p of room.participants.values()) {
      if (p.hidden || p.left) continue;
      people.push({ id: p.id, joinedAt: order++, hasVideo: p.streams.has('video'), hasShare: p.streams.has('share') });
    }
    return people;
  }

  get pids(): number[] {
    const pids: (number | undefined)[] = [];
    for (const a of this.audios.values()) pids.push(a.feed.pid);
    for (const v of this.videos.values()) pids.push(v.current?.feed.pid, v.pending?.feed.pid);
    return pids.filter((p): p is number => p !== undefined);
  }

  async open(): Promise<void> {
    await mkdir(this.workDir, { recursive: true });
  }

  /** Starts and stops feeds so that they match the room and the layout's tiles (does not wait for starts). */
  sync(room: CompositeRoom, tiles: readonly Tile[], withVideo: boolean): void {
    if (this.closed) return;
    this.room = room;
    const now = Date.now();
    const wantedAudio = new Set<string>();
    for (const p of room.participants.values()) {
      if (p.hidden || p.left) continue;
      for (const kind of AUDIO_KINDS) if (p.streams.has(kind)) wantedAudio.add(`${p.id}:${kind}`);
    }
    for (const [key, entry] of this.audios) if (!wantedAudio.has(key) || entry.dead) this.dropAudio(key, room);
    for (const key of wantedAudio) {
      if (!this.audios.has(key) && (this.retryAt.get(key) ?? 0) <= now) this.startAudio(key, room);
    }
    if (!withVideo) return;

    const wantedVideo = new Set<string>();
    for (const tile of tiles) {
      const p = room.participants.get(tile.participantId);
      const kind: StreamKind = tile.what === 'share' ? 'share' : 'video';
      if (!p?.streams.has(kind)) {
        this.avatar(tile, p?.displayName ?? tile.participantId);
        continue;
      }
      wantedVideo.add(tile.key);
      const slot = this.videos.get(tile.key) ?? { current: null, pending: null };
      this.videos.set(tile.key, slot);
      if (slot.current?.dead) slot.current = this.dropVideo(slot.current, room);
      if (slot.pending?.dead) slot.pending = this.dropVideo(slot.pending, room);
      const sized = (f: Feed<VideoFeed> | null) => f !== null && f.feed.width === tile.w && f.feed.height === tile.h;
      if (sized(slot.current)) {
        if (slot.pending) slot.pending = this.dropVideo(slot.pending, room);
      } else if (!sized(slot.pending) && (this.retryAt.get(tile.key) ?? 0) <= now) {
        if (slot.pending) slot.pending = this.dropVideo(slot.pending, room);
        slot.pending = this.startVideo(tile, kind, room, p.displayName);
      }
    }
    for (const [key, slot] of this.videos) {
      if (wantedVideo.has(key)) continue;
      this.dropVideo(slot.current, room);
      this.dropVideo(slot.pending, room);
      this.videos.delete(key);
    }
    const sizes = new Set(tiles.map((t) => `${t.participantId}:${t.w}x${t.h}`));
    for (const key of this.avatars.keys()) if (!sizes.has(key)) this.avatars.delete(key);
  }

  /** What to draw in `tile` now (promotes a resized decoder once it has a frame). */
  image(tile: Tile): TileImage | null {
    const slot = this.videos.get(tile.key);
    if (!slot) return this.avatars.get(`${tile.participantId}:${tile.w}x${tile.h}`) ?? null;
    if (slot.pending?.feed.latest) {
      if (slot.current) void this.stopFeed(slot.current, this.room);
      slot.current = slot.pending;
      slot.pending = null;
    }
    return slot.current?.feed ?? null;
  }

  private startAudio(key: string, room: CompositeRoom): void {
    const participantId = key.slice(0, key.lastIndexOf(':'));
    const kind = key.slice(key.lastIndexOf(':') + 1) as StreamKind;
    const entry: Feed<AudioFeed> = { feed: new AudioFeed(`${this.jobId} ${key}`, this.ffmpegPath, this.log, (m) => this.onDeath(key, entry, m)), tapId: null, dead: false };
    this.audios.set(key, entry);
    this.mixer.add(key, entry.feed.source);
    void this.attach(key, entry, room, { participantId, kind, port: 0, payloadType: TAP_AUDIO_PT });
  }

  private startVideo(tile: Tile, kind: StreamKind, room: CompositeRoom, name: string): Feed<VideoFeed> {
    const labelFile = this.labelFile(tile.participantId, tile.what === 'share' ? `${name} (screen)` : name);
    const font = labelFont();
    const feed = new VideoFeed(`${this.jobId} ${tile.key} ${tile.w}x${tile.h}`, {
      kind: 'video',
      width: tile.w,
      height: tile.h,
      fit: tile.fit,
      background: this.theme.tile,
      ...(font ? { label: { textFile: labelFile, fontFile: font } } : {}),
    }, this.ffmpegPath, this.log, (m) => this.onDeath(tile.key, entry, m));
    const entry: Feed<VideoFeed> = { feed, tapId: null, dead: false };
    void this.attach(tile.key, entry, room, { participantId: tile.participantId, kind, port: 0, payloadType: TAP_VIDEO_PT, maxLayer: layerFor(tile) });
    return entry;
  }

  /** Starts the decoder, then points a tap at its port; a failure marks the feed dead (dropped at the next sync). */
  private async attach(key: string, entry: Feed<VideoFeed | AudioFeed>, room: CompositeRoom, tap: TapRequest): Promise<void> {
    try {
      await this.labelsWritten;
      await entry.feed.start();
      if (entry.dead || this.closed) return;
      entry.tapId = await room.addRtpTap({ ...tap, port: entry.feed.port });
      if (entry.dead || this.closed) await room.removeRtpTap(entry.tapId).catch(() => {});
    } catch (err) {
      this.onDeath(key, entry, `did not start: ${(err as Error).message}`);
    }
  }

  private onDeath(key: string, entry: Feed<VideoFeed | AudioFeed>, message: string): void {
    if (entry.dead) return;
    this.log.debug({ job: this.jobId, key, message }, 'composite feed ended; retried at the next sync');
    entry.dead = true;
    this.retryAt.set(key, Date.now() + RETRY_MS);
  }

  private dropAudio(key: string, room: CompositeRoom): void {
    const entry = this.audios.get(key);
    if (!entry) return;
    this.audios.delete(key);
    this.mixer.remove(key);
    void this.stopFeed(entry, room);
  }

  private dropVideo(entry: Feed<VideoFeed> | null, room: CompositeRoom): null {
    if (entry) void this.stopFeed(entry, room);
    return null;
  }

  private async stopFeed(entry: Feed<VideoFeed | AudioFeed>, room: CompositeRoom | null): Promise<void> {
    entry.dead = true;
    const tapId = entry.tapId;
    entry.tapId = null;
    if (tapId && room) await room.removeRtpTap(tapId).catch(() => {});
    await entry.feed.stop();
  }

  private labelsWritten: Promise<unknown> = Promise.resolve();

  /** The file a tile's label is drawn from (written once per text). */
  private labelFile(participantId: string, text: string): string {
    const file = join(this.workDir, `label-${createHash('sha1').update(`${participantId}\u0000${text}`).digest('hex')}.txt`);
    if (!this.labels.has(file)) {
      this.labels.add(file);
      this.labelsWritten = Promise.all([this.labelsWritten, writeFile(file, text)]);
    }
    return file;
  }

  private avatar(tile: Tile, name: string): void {
    const key = `${tile.participantId}:${tile.w}x${tile.h}`;
    if (this.avatars.has(key)) return;
    const image: { latest: I420Frame | null } = { latest: null };
    this.avatars.set(key, image);
    const initialFile = this.labelFile(`${tile.participantId}#initial`, (Array.from(name.trim())[0] ?? '?').toUpperCase());
    const labelFile = this.labelFile(tile.participantId, name);
    void this.labelsWritten
      .then(() => renderAvatar(this.ffmpegPath, { width: tile.w, height: tile.h, background: this.theme.tile, initialFile, labelFile }))
      .then((frame) => void (image.latest = frame))
      .catch((err: unknown) => this.log.debug({ err, job: this.jobId }, 'avatar not rendered'));
  }

  /** Stops every decoder and removes every tap (the room may be gone already). */
  async close(room: CompositeRoom | null): Promise<void> {
    this.closed = true;
    const all: Feed<VideoFeed | AudioFeed>[] = [...this.audios.values()];
    for (const slot of this.videos.values()) all.push(...[slot.current, slot.pending].filter((f): f is Feed<VideoFeed> => f !== null));
    this.audios.clear();
    this.videos.clear();
    await Promise.all(all.map((f) => this.stopFeed(f, room)));
    await rm(this.workDir, { recursive: true, force: true }).catch(() => {});
  }
}
