CREATE TABLE "channel_nonces" (
	"channel" text NOT NULL,
	"sender_id" text NOT NULL,
	"nonce" text NOT NULL,
	"offset" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_nonces_channel_sender_id_nonce_pk" PRIMARY KEY("channel","sender_id","nonce")
);
--> statement-breakpoint
DROP INDEX "channel_messages_nonce";--> statement-breakpoint
ALTER TABLE "channel_nonces" ADD CONSTRAINT "channel_nonces_channel_channels_name_fk" FOREIGN KEY ("channel") REFERENCES "public"."channels"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_nonces_at" ON "channel_nonces" USING btree ("at");--> statement-breakpoint
-- Publishes of the last day keep their idempotency across the upgrade (hand-written backfill).
INSERT INTO "channel_nonces" ("channel", "sender_id", "nonce", "offset", "at")
SELECT "channel", "sender_id", "nonce", "offset", "at" FROM "channel_messages"
WHERE "nonce" IS NOT NULL AND "at" > now() - interval '1 day'
ON CONFLICT DO NOTHING;
