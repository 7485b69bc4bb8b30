// Raw planar YUV 4:2:0 frames for the in-process compositor and the few drawing operations it
// needs on them: fill a rectangle, copy a same-size frame into a rectangle, and a nearest-neighbour
// scaler for the moments a decoder's output size lags the layout. Nothing here allocates per frame.
// Every coordinate and size is even, because chroma is subsampled 2x2.

export interface YuvColor {
  y: number;
  u: number;
  v: number;
}

/** One frame in one Buffer: Y plane (width*height), then U and V ((width/2)*(height/2) each). */
export class I420Frame {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
  /** Byte offsets of the U and V planes in `data`. */
  readonly uOffset: number;
  readonly vOffset: number;

  constructor(width: number, height: number, data?: Buffer) {
    if (!isEvenSize(width) || !isEvenSize(height)) {
      throw new RangeError(`I420 frame size must be even and positive, got ${width}x${height}`);
    }
    const length = I420Frame.byteLength(width, height);
    if (data && data.length < length) {
      throw new RangeError(`I420 ${width}x${height} needs ${length} bytes, the buffer has ${data.length}`);
    }
    this.width = width;
    this.height = height;
    this.data = data ?? Buffer.alloc(length);
    this.uOffset = width * height;
    this.vOffset = this.uOffset + (width / 2) * (height / 2);
  }

  static byteLength(width: number, height: number): number {
    return width * height + 2 * (width / 2) * (height / 2);
  }
}

const isEvenSize = (v: number): boolean => Number.isInteger(v) && v > 0 && v % 2 === 0;

function checkRect(dst: I420Frame, x: number, y: number, w: number, h: number): void {
  if (x % 2 !== 0 || y % 2 !== 0 || w % 2 !== 0 || h % 2 !== 0 || x < 0 || y < 0 || w < 0 || h < 0 ||
    x + w > dst.width || y + h > dst.height) {
    throw new RangeError(`rect ${x},${y} ${w}x${h} is not even or not inside ${dst.width}x${dst.height}`);
  }
}

export function fillRect(dst: I420Frame, x: number, y: number, w: number, h: number, color: YuvColor): void {
  checkRect(dst, x, y, w, h);
  if (w === 0 || h === 0) return;
  const { data, width } = dst;
  for (let row = y; row < y + h; row++) {
    const start = row * width + x;
    data.fill(color.y, start, start + w);
  }
  const cw = width / 2, cx = x / 2, cy = y / 2;
  for (let row = cy; row < cy + h / 2; row++) {
    const u = dst.uOffset + row * cw + cx;
    const v = dst.vOffset + row * cw + cx;
    data.fill(color.u, u, u + w / 2);
    data.fill(color.v, v, v + w / 2);
  }
}

/** BT.601 limited range (Y 16..235, U/V 16..240), the usual 8-bit integer approximation. */
export function rgbToYuv(r: number, g: number, b: number): YuvColor {
  const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);
  return {
    y: clamp(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16),
    u: clamp(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128),
    v: clamp(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128),
  };
}

/** Copies src (same size as the rect) into dst at x,y: row copies (Buffer.copy), no allocation. */
export function blit(dst: I420Frame, src: I420Frame, x: number, y: number): void {
  const w = src.width, h = src.height;
  checkRect(dst, x, y, w, h);
  copyPlane(dst.data, 0, dst.width, src.data, 0, w, h, x, y);
  const cx = x / 2, cy = y / 2, cw = w / 2, ch = h / 2;
  copyPlane(dst.data, dst.uOffset, dst.width / 2, src.data, src.uOffset, cw, ch, cx, cy);
  copyPlane(dst.data, dst.vOffset, dst.width / 2, src.data, src.vOffset, cw, ch, cx, cy);
}

function copyPlane(
  dst: Buffer, dstBase: number, dstStride: number, src: Buffer, srcBase: number,
  w: number, h: number, x: number, y: number,
): void {
  if (w === dstStride) {
    // Full-width rows are contiguous in both planes: one copy.
    src.copy(dst, dstBase + y * dstStride, srcBase, srcBase + w * h);
    return;
  }
  for (let row = 0; row < h; row++) {
    const s = srcBase + row * w;
    src.copy(dst, dstBase + (y + row) * dstStride + x, s, s + w);
  }
}

/** Source column (or row) for each destination one; `offset`/`length` select the source span. */
type IndexMap = Int32Array;
const MAX_CACHED_MAPS = 64;

/**
 * Nearest-neighbour scaling into a rectangle: 'cover' crops the source to the rect's aspect and
 * fills it; 'contain' letterboxes (the bars are left as they are). Index maps are cached per
 * (source span, crop offset, destination span), so repeated calls at one size allocate nothing.
 */
export class NearestScaler {
  private readonly maps = new Map<number, IndexMap>();

  draw(dst: I420Frame, src: I420Frame, x: number, y: number, w: number, h: number, fit: 'cover' | 'contain'): void {
    checkRect(dst, x, y, w, h);
    if (w === 0 || h === 0) return;
    const sw = src.width, sh = src.height;
    let sx = 0, sy = 0, cropW = sw, cropH = sh;
    let dx = x, dy = y, dw = w, dh = h;
    if (fit === 'cover') {
      const scale = Math.max(w / sw, h / sh);
      cropW = clampEven(w / scale, sw);
      cropH = clampEven(h / scale, sh);
      sx = evenDown((sw - cropW) / 2);
      sy = evenDown((sh - cropH) / 2);
    } else {
      const scale = Math.min(w / sw, h / sh);
      dw = clampEven(sw * scale, w);
      dh = clampEven(sh * scale, h);
      dx = x + evenDown((w - dw) / 2);
      dy = y + evenDown((h - dh) / 2);
    }
    if (dw === sw && dh === sh && cropW === sw && cropH === sh) {
      blit(dst, src, dx, dy);
      return;
    }
    scalePlane(dst.data, 0, dst.width, src.data, 0, sw, dx, dy,
      this.map(sx, cropW, dw), this.map(sy, cropH, dh));
    const xm = this.map(sx / 2, cropW / 2, dw / 2), ym = this.map(sy / 2, cropH / 2, dh / 2);
    scalePlane(dst.data, dst.uOffset, dst.width / 2, src.data, src.uOffset, sw / 2, dx / 2, dy / 2, xm, ym);
    scalePlane(dst.data, dst.vOffset, dst.width / 2, src.data, src.vOffset, sw / 2, dx / 2, dy / 2, xm, ym);
  }

  private map(offset: number, length: number, out: number): IndexMap {
    // Sizes stay below 2^14 (16384 px): a numeric key, no string per call.
    const key = (offset * 16384 + length) * 16384 + out;
    let map = this.maps.get(key);
    if (!map) {
      if (this.maps.size >= MAX_CACHED_MAPS) this.maps.clear();
      map = new Int32Array(out);
      for (let i = 0; i < out; i++) map[i] = offset + Math.min(length - 1, Math.floor(((i + 0.5) * length) / out));
      this.maps.set(key, map);
    }
    return map;
  }
}

function scalePlane(
  dst: Buffer, dstBase: number, dstStride: number, src: Buffer, srcBase: number, srcStride: number,
  dx: number, dy: number, xMap: IndexMap, yMap: IndexMap,
): void {
  const w = xMap.length;
  let prevSrcRow = -1;
  let prevDst = 0;
  for (let row = 0; row < yMap.length; row++) {
    const d = dstBase + (dy + row) * dstStride + dx;
    const srcRow = yMap[row]!;
    if (srcRow === prevSrcRow) {
      // Upscaling repeats source rows: copy the row just written.
      dst.copy(dst, d, prevDst, prevDst + w);
    } else {
      const s = srcBase + srcRow * srcStride;
      for (let i = 0; i < w; i++) dst[d + i] = src[s + xMap[i]!]!;
    }
    prevSrcRow = srcRow;
    prevDst = d;
  }
}

const evenDown = (v: number): number => 2 * Math.floor(v / 2);
/** Nearest even integer in [2, max]. */
const clampEven = (v: number, max: number): number => Math.min(max, Math.max(2, 2 * Math.round(v / 2)));
