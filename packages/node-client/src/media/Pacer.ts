// Calls `emit(slot)` once per frame slot in real time, from one timer. Work per tick is bounded:
// when the event loop stalled for more than `maxCatchUp` slots, the missed slots are skipped (and
// `onSkip` told, so video restarts at a keyframe) instead of being sent in a burst.

export class Pacer {
  private timer: ReturnType<typeof setInterval> | null = null;
  private start = 0;
  private nextSlot = 0;
  skippedSlots = 0;

  constructor(
    private readonly slotMs: number,
    private readonly emit: (slot: number) => void,
    private readonly onSkip: () => void = () => {},
    private readonly maxCatchUp = 3,
  ) {}

  begin(): void {
    if (this.timer) return;
    this.start = performance.now();
    this.nextSlot = 0;
    this.tick();
    // Half a slot keeps the jitter of each send under ~slotMs/2 without spinning.
    this.timer = setInterval(() => this.tick(), Math.max(5, Math.floor(this.slotMs / 2)));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  private tick(): void {
    const due = Math.floor((performance.now() - this.start) / this.slotMs) + 1;
    if (due - this.nextSlot > this.maxCatchUp) {
      this.skippedSlots += due - 1 - this.nextSlot;
      this.nextSlot = due - 1;
      this.onSkip();
    }
    while (this.nextSlot < due) this.emit(this.nextSlot++);
  }
}
