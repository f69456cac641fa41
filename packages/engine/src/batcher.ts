/** Most keys one query of a batch asks for; more wait for the next one. */
export const MAX_BATCH_KEYS = 500;

interface Waiter<V> {
  resolve(value: V): void;
  reject(err: unknown): void;
}

interface Group<V> {
  /** Keys asked for since the running query started, with who waits for each. */
  waiting: Map<string, Waiter<V>[]>;
  running: boolean;
  scheduled: boolean;
}

/**
 * Store work that arrives together shares one query. `load(group, key)` joins the group's next query:
 * it starts on the next turn of the event loop, or when the group's running query ends, and asks
 * for every key requested until then (at most MAX_BATCH_KEYS). A query never started before a
 * request arrived answers it, so a batched read sees everything stored before it was asked for,
 * as a read of its own would; a thousand players subscribing to `global` at once cost a few
 * queries instead of a thousand. Writes batch the same way (e.g. a thousand new guests in one
 * multi-row insert): the caller resolves only once its key's batch committed.
 */
export class Batcher<V> {
  private readonly groups = new Map<string, Group<V>>();

  constructor(
    /** Reads the keys of one group; returns their values in the same order. */
    private readonly run: (group: string, keys: string[]) => Promise<V[]>,
  ) {}

  load(group: string, key: string): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      let g = this.groups.get(group);
      if (!g) {
        g = { waiting: new Map(), running: false, scheduled: false };
        this.groups.set(group, g);
      }
      const waiters = g.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else g.waiting.set(key, [{ resolve, reject }]);
      if (!g.running && !g.scheduled) {
        g.scheduled = true;
        const scheduled = g;
        setImmediate(() => {
          scheduled.scheduled = false;
          this.start(group, scheduled);
        });
      }
    });
  }

  private start(group: string, g: Group<V>): void {
    if (g.running) return;
    if (g.waiting.size === 0) {
      if (this.groups.get(group) === g) this.groups.delete(group);
      return;
    }
    const batch = new Map<string, Waiter<V>[]>();
    for (const [key, waiters] of g.waiting) {
      if (batch.size >= MAX_BATCH_KEYS) break;
      batch.set(key, waiters);
    }
    for (const key of batch.keys()) g.waiting.delete(key);
    g.running = true;
    const keys = [...batch.keys()];
    let answered: Promise<V[]>;
    try {
      answered = this.run(group, keys);
    } catch (err) {
      answered = Promise.reject(err);
    }
    answered
      .then(
        (values) => {
          keys.forEach((key, i) => {
            for (const w of batch.get(key)!) w.resolve(values[i] as V);
          });
        },
        (err: unknown) => {
          for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
        },
      )
      .finally(() => {
        g.running = false;
        this.start(group, g);
      });
  }
}
