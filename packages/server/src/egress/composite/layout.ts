// Layout for the in-process compositor: which participant's camera or screen share goes in which
// rectangle of the output canvas. A port of the rules of the browser compositor
// (public/egress/compose.js, `grid` and `draw`), with every edge snapped to even pixels because
// I420 chroma is subsampled 2x2, plus a tile cap (`gridSize`) that always keeps the speaker.

export type LayoutType = 'GRID' | 'SPOTLIGHT' | 'SIDEBAR';

export interface LayoutPerson {
  id: string;
  joinedAt: number;
  hasVideo: boolean;
  hasShare: boolean;
}

export interface LayoutInput {
  /** Canvas size in pixels (even numbers); portrait when height > width. */
  width: number;
  height: number;
  type: LayoutType;
  /** Visible participants, any order. */
  people: LayoutPerson[];
  speakerId: string | null;
  /** Who screen-shares; when null or not sharing, the first person with `hasShare` presents. */
  presenterId: string | null;
  /** Max tiles in a grid or strip (1..25); the speaker is kept visible when people exceed it. */
  gridSize: number;
  /**
   * `layout.priority: 'PIN'`: people whose camera is pinned, in pin order. They come first, and
   * the first of them, not the speaker, is the large one in SPOTLIGHT and SIDEBAR.
   */
  pinnedIds?: string[];
}

export interface Tile {
  key: string;
  participantId: string;
  what: 'video' | 'share';
  x: number;
  y: number;
  w: number;
  h: number;
  fit: 'cover' | 'contain';
  speaker: boolean;
}

const GAP = 6;
/** Strip tiles are inset this much from their slot, as compose.js does. */
const INSET = 4;
const MAX_GRID = 25;

/** Rounds to the nearest even integer (positions). */
const even = (v: number): number => 2 * Math.round(v / 2);
/** Rounds down to an even integer (sizes, so a tile never grows past its slot). */
const evenDown = (v: number): number => 2 * Math.floor(v / 2);

interface Slot {
  person: LayoutPerson;
  what: 'video' | 'share';
}

export function computeLayout(input: LayoutInput): Tile[] {
  const { type } = input;
  const W = evenDown(input.width), H = evenDown(input.height);
  if (input.people.length === 0 || W < 2 || H < 2) return [];
  const pinned = input.pinnedIds ?? [];
  const pinRank = (p: LayoutPerson) => {
    const i = pinned.indexOf(p.id);
    return i < 0 ? pinned.length : i;
  };
  const list = [...input.people].sort((a, b) => pinRank(a) - pinRank(b) || a.joinedAt - b.joinedAt);
  const byId = (id: string | null): LayoutPerson | undefined => (id === null ? undefined : list.find((p) => p.id === id));
  const cap = Math.min(MAX_GRID, Math.max(1, Math.floor(input.gridSize) || 1));

  const named = byId(input.presenterId);
  const presenter = named?.hasShare ? named : list.find((p) => p.hasShare);
  const firstPinned = list[0] && pinRank(list[0]) < pinned.length ? list[0] : undefined;
  // Who is large in SPOTLIGHT/SIDEBAR and always kept in view: the first pinned, else the speaker.
  const speaker = firstPinned ?? byId(input.speakerId) ?? list[0]!;
  const main: Slot | null = presenter
    ? { person: presenter, what: 'share' }
    : type !== 'GRID'
      ? { person: speaker, what: 'video' }
      : null;

  const out: Tile[] = [];
  const place = (slot: Slot, x: number, y: number, w: number, h: number): void => {
    pushTile(out, slot, input.speakerId, W, H, x, y, w, h);
  };

  if (!main) {
    const shown = capKeepingSpeaker(list, cap, speaker);
    gridRects(shown.length, 0, 0, W, H, (i, x, y, w, h) => place({ person: shown[i]!, what: 'video' }, x, y, w, h));
    return out;
  }

  const others = list.filter((p) => main.what === 'share' || p !== main.person);
  if (type === 'SPOTLIGHT' || others.length === 0) {
    place(main, 0, 0, W, H);
    return out;
  }

  // SIDEBAR (and GRID while someone presents): main large, the others in a strip.
  const strip = capKeepingSpeaker(others, cap, speaker);
  if (W >= H) {
    const side = even(W * 0.22);
    place(main, 0, 0, W - side, H);
    const th = Math.min(H / strip.length, side * 0.75);
    const tileH = evenDown(th - 2 * INSET);
    strip.forEach((p, i) => place({ person: p, what: 'video' }, W - side + INSET, even(i * th + INSET), side - 2 * INSET, tileH));
  } else {
    const band = even(H * 0.2);
    place(main, 0, 0, W, H - band);
    const tw = Math.min(W / strip.length, band * 1.33);
    const tileW = evenDown(tw - 2 * INSET);
    strip.forEach((p, i) => place({ person: p, what: 'video' }, even(i * tw + INSET), H - band + INSET, tileW, band - 2 * INSET));
  }
  return out;
}

/** True when both layouts have the same tiles (keys, order, rectangles, fit and speaker border). */
export function sameLayout(a: Tile[], b: Tile[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const s = a[i]!, t = b[i]!;
    if (s.key !== t.key || s.x !== t.x || s.y !== t.y || s.w !== t.w || s.h !== t.h || s.speaker !== t.speaker || s.fit !== t.fit) return false;
  }
  return true;
}

/**
 * The first `cap` people by join order; when the speaker would be cut, they take the last slot,
 * so a change of speaker among the hidden people moves one tile only.
 */
function capKeepingSpeaker(people: LayoutPerson[], cap: number, speaker: LayoutPerson): LayoutPerson[] {
  if (people.length <= cap) return people;
  const shown = people.slice(0, cap);
  if (!shown.includes(speaker) && people.includes(speaker)) shown[cap - 1] = speaker;
  return shown;
}

/** compose.js `grid`: near-square grid (transposed in portrait), 6 px gaps, last row centred. */
function gridRects(
  n: number, x0: number, y0: number, w: number, h: number,
  emit: (i: number, x: number, y: number, w: number, h: number) => void,
): void {
  if (n === 0) return;
  let cols = Math.ceil(Math.sqrt(n));
  let rows = Math.ceil(n / cols);
  if (w < h) [cols, rows] = [rows, cols];
  const tw = (w - GAP * (cols + 1)) / cols;
  const th = (h - GAP * (rows + 1)) / rows;
  // Every tile of a grid gets the same even size: one decoder output size per layout.
  const tileW = evenDown(tw), tileH = evenDown(th);
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / cols), c = i % cols;
    const inRow = r === rows - 1 ? n - r * cols : cols;
    const offset = ((cols - inRow) * (tw + GAP)) / 2;
    emit(i, even(x0 + GAP + offset + c * (tw + GAP)), even(y0 + GAP + r * (th + GAP)), tileW, tileH);
  }
}

/**
 * Clamps a rectangle into the canvas and appends it. Only on canvases far smaller than any real
 * output can a tile end up under 2 px; such a tile is left out rather than drawn wrong.
 */
function pushTile(
  out: Tile[], slot: Slot, speakerId: string | null, W: number, H: number,
  x: number, y: number, w: number, h: number,
): void {
  const cx = Math.min(Math.max(0, x), W), cy = Math.min(Math.max(0, y), H);
  const cw = Math.min(w, W - cx), ch = Math.min(h, H - cy);
  if (cw < 2 || ch < 2) return;
  const id = slot.person.id;
  out.push({
    key: `${id}:${slot.what}`,
    participantId: id,
    what: slot.what,
    x: cx,
    y: cy,
    w: cw,
    h: ch,
    fit: slot.what === 'share' ? 'contain' : 'cover',
    speaker: slot.what === 'video' && id === speakerId,
  });
}
