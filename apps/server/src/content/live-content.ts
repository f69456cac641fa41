import { type Content, contentSchema, leafAt, leafProblem, withTuned } from '@perihelion/game';
import type { ContentIssue, ContentProblem, TuningValue } from '@perihelion/protocol';
import { contentVersion } from './content-version.js';

/** Dotted path → value, set through tuning on top of the content files. */
export type Tuned = Readonly<Record<string, TuningValue>>;

export interface ContentChange {
  content: Content;
  version: string;
}

export type Candidate =
  | { ok: true; content: Content; version: string }
  | { ok: false; issues: ContentIssue[] };

/**
 * The content a server runs with, which may change while it runs: designers edit the content
 * files (development) or tune values through the API. It is always valid: a change that does not
 * pass the game's schema is refused, reported as a problem, and the last good content stays.
 *
 * The content in force is `base` (the files, merged) with the `tuned` values on top.
 */
export class LiveContent {
  private base: unknown;
  private tunedValues: Tuned = {};
  private currentContent: Content;
  private currentVersion: string;
  private currentProblem: ContentProblem = null;
  private readonly changeListeners: Array<(change: ContentChange) => void> = [];
  private readonly problemListeners: Array<(problem: ContentProblem) => void> = [];

  constructor(initial: Content) {
    this.base = initial;
    this.currentContent = initial;
    this.currentVersion = contentVersion(initial);
  }

  get current(): Content {
    return this.currentContent;
  }

  get version(): string {
    return this.currentVersion;
  }

  get problem(): ContentProblem {
    return this.currentProblem;
  }

  get tuned(): Tuned {
    return this.tunedValues;
  }

  onChange(listener: (change: ContentChange) => void): void {
    this.changeListeners.push(listener);
  }

  onProblem(listener: (problem: ContentProblem) => void): void {
    this.problemListeners.push(listener);
  }

  /**
   * New content files. Valid: they apply (with the tuned values on top) and any problem clears.
   * Invalid: `sourceOf` names the file to fix, the problem is reported and nothing else changes.
   */
  setBase(
    raw: unknown,
    sourceOf: (issues: ContentIssue[]) => string,
  ): Candidate & {
    /** Tuned paths the new files no longer have (dropped when they apply). */ dropped: string[];
  } {
    const tuned = this.tunedStillFitting(raw);
    const dropped = Object.keys(this.tunedValues).filter((path) => !(path in tuned));
    const candidate = this.evaluate(raw, tuned);
    if (!candidate.ok) {
      this.report({ source: sourceOf(candidate.issues), issues: candidate.issues });
      return { ...candidate, dropped: [] };
    }
    this.base = raw;
    this.tunedValues = tuned;
    this.report(null);
    this.adopt(candidate);
    return { ...candidate, dropped };
  }

  /** A file could not be read or parsed: reported, and the last good content stays. */
  reportProblem(problem: NonNullable<ContentProblem>): void {
    this.report(problem);
  }

  /** What the content would be with `tuned` in place of the current tuned values. */
  tryTuned(tuned: Tuned): Candidate {
    return this.evaluate(this.base, tuned);
  }

  /** Replaces the tuned values (already checked with tryTuned, or loaded from the store). */
  setTuned(tuned: Tuned): Candidate {
    const candidate = this.evaluate(this.base, tuned);
    if (candidate.ok) {
      this.tunedValues = { ...tuned };
      this.adopt(candidate);
    }
    return candidate;
  }

  /** The value in force at `path` (a leaf of the content), or null. */
  valueAt(path: string): TuningValue | null {
    return leafAt(this.currentContent, path);
  }

  private evaluate(base: unknown, tuned: Tuned): Candidate {
    const issues: ContentIssue[] = [];
    for (const [path, value] of Object.entries(tuned)) {
      const problem = leafProblem(base, path, value);
      if (problem) issues.push({ path, message: problem });
    }
    if (issues.length > 0) return { ok: false, issues };
    const parsed = contentSchema.safeParse(withTuned(base, tuned));
    if (!parsed.success) {
      return {
        ok: false,
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      };
    }
    return { ok: true, content: parsed.data, version: contentVersion(parsed.data) };
  }

  /** Tuned values whose path the new files no longer have are dropped, not made an error. */
  private tunedStillFitting(raw: unknown): Tuned {
    return Object.fromEntries(
      Object.entries(this.tunedValues).filter(([path, value]) => leafProblem(raw, path, value) === null),
    );
  }

  private adopt(candidate: { content: Content; version: string }): void {
    if (candidate.version === this.currentVersion) return;
    this.currentContent = candidate.content;
    this.currentVersion = candidate.version;
    for (const listener of this.changeListeners)
      listener({ content: candidate.content, version: candidate.version });
  }

  private report(problem: ContentProblem): void {
    if (problem === null && this.currentProblem === null) return;
    this.currentProblem = problem;
    for (const listener of this.problemListeners) listener(problem);
  }
}
