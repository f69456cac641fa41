CREATE TABLE "content_tuning_changes" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"edits" jsonb NOT NULL,
	"note" text,
	"revert_of" integer,
	"tuned" jsonb NOT NULL,
	"version" text NOT NULL
);
