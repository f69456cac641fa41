ALTER TABLE "structures" ADD COLUMN "request_id" text;--> statement-breakpoint
CREATE UNIQUE INDEX "structures_owner_request" ON "structures" USING btree ("owner_id","request_id");