// IVF container (what ffmpeg writes for VP8): a 32-byte file header, then per frame a 12-byte
// header (size, 64-bit pts) and the frame.

export interface IvfFile {
  width: number;
  height: number;
  frameRate: number;
  frames: Buffer[];
  /** Presentation time of each frame, in time-base units (1 / frameRate for ffmpeg's output). */
  pts: number[];
}

export function parseIvf(data: Buffer): IvfFile {
  if (data.length < 32 || data.toString('latin1', 0, 4) !== 'DKIF') throw new Error('not an IVF file');
  const headerLength = data.readUInt16LE(6);
  const fourcc = data.toString('latin1', 8, 12);
  if (fourcc !== 'VP80') throw new Error(`IVF codec ${fourcc}, expected VP80`);
  const width = data.readUInt16LE(12);
  const height = data.readUInt16LE(14);
  const rate = data.readUInt32LE(16);
  const scale = data.readUInt32LE(20);
  const frames: Buffer[] = [];
  const pts: number[] = [];
  let o = headerLength;
  while (o + 12 <= data.length) {
    const size = data.readUInt32LE(o);
    pts.push(Number(data.readBigUInt64LE(o + 4)));
    o += 12;
    if (o + size > data.length) throw new Error('truncated IVF frame');
    frames.push(data.subarray(o, o + size));
    o += size;
  }
  // ffmpeg writes the time base (1/30 → rate 30, scale 1), not always the frame rate: callers pass theirs.
  return { width, height, frameRate: scale > 0 ? rate / scale : 0, frames, pts };
}
