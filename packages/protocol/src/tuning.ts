import { z } from 'zod';

/*
 * Live tuning of the game's content: what the server tells every page when the content it runs
 * with changes (a designer's file edit, a tuning panel, an admin's revert), and the HTTP API the
 * tuning panel and the admin console use. The content itself is the game's schema; here it is an
 * opaque object the client validates with that schema.
 */

/**
 * The content in force, with its version: a digest of the content, so every node of a cluster
 * names the same content alike and a page can tell at a glance which numbers it predicts with.
 * Sent on every connection and again, in order with the snapshots, whenever it changes: inputs
 * the server has not acknowledged before this message are simulated with the new content.
 */
export const contentUpdateSchema = z.object({
  version: z.string().min(1).max(64),
  content: z.record(z.string(), z.unknown()),
});
export type ContentUpdate = z.infer<typeof contentUpdateSchema>;

/** One problem with edited content, at the dotted path a designer would write. */
export const contentIssueSchema = z.object({
  /** "ship.maxSpeed"; empty for the whole file (e.g. a JSON syntax error). */
  path: z.string(),
  message: z.string(),
});
export type ContentIssue = z.infer<typeof contentIssueSchema>;

/**
 * A content edit the server refused (it keeps running the last good content), or null once the
 * files are good again. Development servers send it to every page, which shows it as an overlay.
 */
export const contentProblemSchema = z
  .object({
    /** The file (relative to the project) or "tuning" that holds the problem. */
    source: z.string(),
    issues: z.array(contentIssueSchema).min(1),
  })
  .nullable();
export type ContentProblem = z.infer<typeof contentProblemSchema>;

export const tuningEventSchemas = {
  content: contentUpdateSchema,
  'content:problem': contentProblemSchema,
} as const;

export const TUNING_PATH = '/api/tuning';

/** A tunable value: the leaves of the content the panel edits. */
export const tuningValueSchema = z.union([z.number(), z.boolean(), z.string()]);
export type TuningValue = z.infer<typeof tuningValueSchema>;

/** A content path: dot-separated keys ("structures.station-core.buildSeconds"). */
export const tuningPathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a dotted path of content keys, e.g. "ship.maxSpeed"');

/** POST /api/tuning: set these values (every path must name an existing leaf of the content). */
export const tuningRequestSchema = z.object({
  set: z.record(tuningPathSchema, tuningValueSchema).refine((o) => Object.keys(o).length > 0, {
    message: 'names no value to change',
  }),
  /** What the designer or operator says the change is for (kept in the audit log). */
  note: z.string().max(200).optional(),
});
export type TuningRequest = z.infer<typeof tuningRequestSchema>;

/** One value a change set, with what it was. */
export const tuningEditSchema = z.object({
  path: z.string(),
  before: tuningValueSchema.nullable(),
  after: tuningValueSchema,
});
export type TuningEdit = z.infer<typeof tuningEditSchema>;

/** An audited tuning change: who, what, when; and whether it was a revert of another one. */
export const tuningChangeSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  by: z.object({ playerId: z.string(), name: z.string() }),
  edits: z.array(tuningEditSchema),
  note: z.string().nullable(),
  revertOf: z.number().int().nullable(),
  /** The content version the change produced. */
  version: z.string(),
});
export type TuningChange = z.infer<typeof tuningChangeSchema>;

/** GET /api/tuning: the content in force, the tuned values on top of the files, and the history. */
export const tuningStateSchema = z.object({
  version: z.string(),
  content: z.record(z.string(), z.unknown()),
  /** Values set through tuning (dotted path → value); the rest comes from the content files. */
  tuned: z.record(z.string(), tuningValueSchema),
  problem: contentProblemSchema,
  changes: z.array(tuningChangeSchema),
  /** Whether POST /api/tuning/write-back can save the tuned values into the content files. */
  canWriteBack: z.boolean(),
});
export type TuningState = z.infer<typeof tuningStateSchema>;
