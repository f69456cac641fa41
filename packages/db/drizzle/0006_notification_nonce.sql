ALTER TABLE "notifications" ADD COLUMN "nonce" text;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_nonce" ON "notifications" USING btree ("player_id","nonce");