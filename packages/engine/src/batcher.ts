/** Most keys one query of a batch asks for; more wait for the next one. */
export const MAX_BATCH_KEYS = 500;

/**
 * The linger of the store's batched reads and writes (connecting, subscribing, new guests): a few
 * milliseconds on an answer, against a query per request when a crowd arrives (see Batcher).
 */
export const STORE_BATCH_LINGER_MS = 5;

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

  private readonly lingerMs: number;

  /**
   * `lingerMs`: how long a batch waits for company after its first request (0: the next turn of
   * the event loop). An embedded database (PGlite) runs its queries on this thread, so nothing new
   * can arrive while one runs and batches would stay at one key; a few milliseconds of linger let
   * requests that arrive together actually share a query.
   */
  constructor(
    /** Reads the keys of one group; returns their values in the same order. */
    private readonly run: (group: string, keys: string[]) => Promise<V[]>,
    opts: { lingerMs?: number } = {},
  ) {
    this.lingerMs = opts.lingerMs ?? 0;
  }

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
        const begin = () => {
          scheduled.scheduled = false;
          this.start(group, scheduled);
        };
        if (this.lingerMs > 0) setTimeout(begin, this.lingerMs);
        else setImmediate(begin);
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
