import { type Content, contentSchema, defaultContent } from '@perihelion/game';
import { type ContentProblem, contentProblemSchema, contentUpdateSchema } from '@perihelion/protocol';

type Listener = () => void;

/**
 * The content this page predicts, prices and draws with: the server's, which it sends on every
 * connection and again whenever it changes (a designer's edit, a tuning change). Until the first
 * arrives, the content the page was built with. Every change is applied between two frames and
 * the prediction replays what the server has not acknowledged with it (see rulesChanged), so a
 * tuning change never shows as a correction.
 *
 * Content edits reach the page only this way, never through Vite's hot reload of content.json:
 * the server is the one authority on the numbers, even when it runs other content than the files
 * the page was built from (CONTENT=fast, an override file).
 */
export class ContentState {
  private value: Content = defaultContent;
  private versionValue: string | null = null;
  private problemValue: ContentProblem = null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly rulesChanged: () => void) {}

  get content(): Content {
    return this.value;
  }

  /** The server's version of the content in force; null until the server has sent it. */
  get version(): string | null {
    return this.versionValue;
  }

  /** The designer's current content problem (shown as an overlay), or null. */
  get problem(): ContentProblem {
    return this.problemValue;
  }

  /** Called on every change of content or problem; returns the unsubscribe. */
  watch(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A server event; false when it is not about content. */
  receive(event: string, payload: unknown): boolean {
    if (event === 'content') {
      this.adopt(payload);
      return true;
    }
    if (event === 'content:problem') {
      const parsed = contentProblemSchema.safeParse(payload);
      if (!parsed.success) return true;
      this.problemValue = parsed.data;
      this.notify();
      return true;
    }
    return false;
  }

  private adopt(payload: unknown): void {
    const update = contentUpdateSchema.safeParse(payload);
    const parsed = update.success ? contentSchema.safeParse(update.data.content) : null;
    if (!update.success || !parsed?.success) {
      console.warn(
        'ignoring the server content: it does not match this client',
        update.error ?? parsed?.error,
      );
      return;
    }
    if (update.data.version === this.versionValue) return;
    this.value = parsed.data;
    this.versionValue = update.data.version;
    this.rulesChanged();
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
