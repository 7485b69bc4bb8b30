// Picks a room's active speaker from audio levels, with smoothing and hysteresis so a cough or a
// single loud packet does not flip it.

/** Levels are RFC 6464 -dBov: 0 is loudest, 127 silence. Quieter than this is not speech. */
const SPEECH_LEVEL = 70;
/** Exponential smoothing weight of the newest sample. */
const SMOOTHING = 0.5;
/** A challenger must be louder than the current speaker by this many dB... */
const SWITCH_MARGIN_DB = 3;
/** ...for this many consecutive ticks. */
const SWITCH_TICKS = 2;

export class ActiveSpeakerDetector {
  private readonly smoothed = new Map<string, number>();
  private current: string | null = null;
  private challenger: string | null = null;
  private challengerTicks = 0;

  get speaker(): string | null {
    return this.current;
  }

  remove(id: string): void {
    this.smoothed.delete(id);
    if (this.current === id) this.current = null;
  }

  /** Feed one tick of levels; returns true when the active speaker changed. */
  update(levels: ReadonlyMap<string, number>): boolean {
    let loudest: string | null = null;
    let loudestLevel = 127;
    for (const [id, level] of levels) {
      const previous = this.smoothed.get(id) ?? level;
      const value = previous + SMOOTHING * (level - previous);
      this.smoothed.set(id, value);
      if (value < loudestLevel) {
        loudestLevel = value;
        loudest = id;
      }
    }
    for (const id of this.smoothed.keys()) if (!levels.has(id)) this.smoothed.delete(id);
    if (loudest === null || loudestLevel > SPEECH_LEVEL || loudest === this.current) {
      this.challenger = null;
      this.challengerTicks = 0;
      return false;
    }
    const currentLevel = this.current === null ? 127 : (this.smoothed.get(this.current) ?? 127);
    if (currentLevel - loudestLevel < SWITCH_MARGIN_DB && this.current !== null && currentLevel <= SPEECH_LEVEL) {
      this.challenger = null;
      this.challengerTicks = 0;
      return false;
    }
    this.challengerTicks = this.challenger === loudest ? this.challengerTicks + 1 : 1;
    this.challenger = loudest;
    if (this.challengerTicks < SWITCH_TICKS) return false;
    this.current = loudest;
    this.challenger = null;
    this.challengerTicks = 0;
    return true;
  }
}
