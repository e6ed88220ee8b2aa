/**
 * A typed event hub: one map of event names to payload types, checked at every `on` and `emit`. A listener that
 * throws does not stop the others; its exception is rethrown asynchronously so it still reaches the console.
 */
export type Listener<T> = (payload: T) => void;

/** The emitting side only: what a component that reports events needs (a hub of a wider event map fits). */
export interface Emitter<Events extends object> {
  emit<K extends keyof Events>(type: K, payload: Events[K]): void;
}

export class EventHub<Events extends object> implements Emitter<Events> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(type, listener);
  }

  once<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(type, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(type: K, listener: Listener<Events[K]>): void {
    this.listeners.get(type)?.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Resolves with the next payload of `type` that satisfies `accept` (all of them by default). */
  next<K extends keyof Events>(
    type: K,
    accept: (payload: Events[K]) => boolean = () => true,
  ): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(type, (payload) => {
        if (!accept(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
