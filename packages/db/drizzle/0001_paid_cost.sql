ALTER TABLE "structures" ADD COLUMN "paid_ore" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "structures" ADD COLUMN "paid_credits" integer DEFAULT 0 NOT NULL;