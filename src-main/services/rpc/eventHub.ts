import type { EventMap, EventName } from '../../shared/contract/events';

type Listener = (event: EventName, payload: unknown) => void;

/** Fan-out of main's events to every attached transport (IPC windows, bridge sockets). */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // A broken subscriber (a closed socket, a destroyed window) must not stop the others.
      }
    }
  }

  attach(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
