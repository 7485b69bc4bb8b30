// Typed event emitter for the public classes; a throwing app listener is logged and the rest run.

export type EventMap = { [event: string]: unknown[] };
type AnyListener = (...args: unknown[]) => void;

export class EventEmitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<AnyListener>>();

  on<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as unknown as AnyListener);
    return this;
  }

  off<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    this.listeners.get(event)?.delete(listener as unknown as AnyListener);
    return this;
  }

  once<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    const wrapper = (...args: Events[E]) => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  protected safeEmit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (err) {
        console.error(`[roomkit] a '${String(event)}' listener threw:`, err);
      }
    }
  }
}
