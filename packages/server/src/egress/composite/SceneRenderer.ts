// Draws one composite frame: the background, then every tile of the layout from its feed's latest
// frame (copied row by row when the decoder already outputs the tile's size, nearest-neighbour
// scaled for the moment a resized decoder takes to start), the avatar while the camera is off, and
// a border around the active speaker. Frames rotate through a small ring, so one handed to the
// encoder's pipe is never drawn over while the pipe still holds it.
import { I420Frame, NearestScaler, blit, fillRect, rgbToYuv } from './I420Canvas.js';
import type { Tile } from './layout.js';

export interface Theme {
  background: string;
  tile: string;
}

export const THEMES: Record<'DARK' | 'LIGHT', Theme> = {
  DARK: { background: '0x111318', tile: '0x23262d' },
  LIGHT: { background: '0xf2f3f5', tile: '0xd9dce1' },
};

const SPEAKER_BORDER = 4;

/** What a tile can be drawn from (a VideoFeed, an avatar). */
export interface TileImage {
  readonly latest: I420Frame | null;
}

const yuvOf = (hex: string) => {
  const n = Number.parseInt(hex.replace(/^0x/, ''), 16);
  return rgbToYuv((n >> 16) & 255, (n >> 8) & 255, n & 255);
};

export class SceneRenderer {
  private readonly ring: I420Frame[];
  private next = 0;
  private readonly scaler = new NearestScaler();
  private readonly background: ReturnType<typeof rgbToYuv>;
  private readonly tileColor: ReturnType<typeof rgbToYuv>;
  private readonly speakerColor = rgbToYuv(0x3b, 0x82, 0xf6);

  constructor(
    readonly width: number,
    readonly height: number,
    theme: Theme,
    ringSize = 4,
  ) {
    this.ring = Array.from({ length: ringSize }, () => new I420Frame(width, height));
    this.background = yuvOf(theme.background);
    this.tileColor = yuvOf(theme.tile);
  }

  /** Frames that may be in flight at once: no more than this many may wait in the encoder pipe. */
  get ringSize(): number {
    return this.ring.length;
  }

  /** Draws the scene into the next frame of the ring and returns it. `image(tile)` gives what to draw. */
  render(tiles: readonly Tile[], image: (tile: Tile) => TileImage | null): I420Frame {
    const frame = this.ring[this.next]!;
    this.next = (this.next + 1) % this.ring.length;
    fillRect(frame, 0, 0, this.width, this.height, this.background);
    for (const tile of tiles) {
      const src = image(tile)?.latest ?? null;
      if (src && src.width === tile.w && src.height === tile.h) blit(frame, src, tile.x, tile.y);
      else {
        fillRect(frame, tile.x, tile.y, tile.w, tile.h, this.tileColor);
        if (src) this.scaler.draw(frame, src, tile.x, tile.y, tile.w, tile.h, tile.fit);
      }
      if (tile.speaker) this.border(frame, tile);
    }
    return frame;
  }

  private border(frame: I420Frame, t: Tile): void {
    const b = Math.min(SPEAKER_BORDER, t.w / 2, t.h / 2);
    const c = this.speakerColor;
    fillRect(frame, t.x, t.y, t.w, b, c);
    fillRect(frame, t.x, t.y + t.h - b, t.w, b, c);
    fillRect(frame, t.x, t.y, b, t.h, c);
    fillRect(frame, t.x + t.w - b, t.y, b, t.h, c);
  }
}
