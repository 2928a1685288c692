/** The agent's 8-entry LRU of ETag → response body (portainer-edge.md §3.2). */
export class EtagCache<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly capacity = 8) {}

  get(etag: string): T | undefined {
    const v = this.map.get(etag);
    if (v !== undefined) {
      this.map.delete(etag);
      this.map.set(etag, v);
    }
    return v;
  }

  set(etag: string, value: T): void {
    this.map.delete(etag);
    this.map.set(etag, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  /** Comma-joined, no spaces, oldest to newest (the order an LRU's Keys() lists them). */
  header(): string {
    return [...this.map.keys()].join(',');
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
