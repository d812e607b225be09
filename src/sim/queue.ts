// The simulator's agenda: events by virtual time, ties broken by the order they were scheduled,
// so that a run is the same run every time. A binary heap: small, and on the hottest path.

export interface Scheduled<T> {
  readonly at: number;
  readonly order: number;
  readonly item: T;
}

export class EventQueue<T> {
  private readonly heap: Scheduled<T>[] = [];
  private scheduled = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    const h = this.heap;
    const e: Scheduled<T> = { at, order: this.scheduled++, item };
    let k = h.length;
    h.push(e);
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!before(e, h[parent])) break;
      h[k] = h[parent];
      k = parent;
    }
    h[k] = e;
  }

  pop(): Scheduled<T> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[k] = h[c];
        k = c;
      }
      h[k] = last;
    }
    return top;
  }
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
