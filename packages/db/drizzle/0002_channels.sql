CREATE TABLE "channel_members" (
	"channel" text NOT NULL,
	"player_id" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_members_channel_player_id_pk" PRIMARY KEY("channel","player_id")
);
--> statement-breakpoint
CREATE TABLE "channel_messages" (
	"channel" text NOT NULL,
	"offset" integer NOT NULL,
	"sender_id" text NOT NULL,
	"sender_name" text NOT NULL,
	"text" text NOT NULL,
	"data" jsonb,
	"nonce" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_messages_channel_offset_pk" PRIMARY KEY("channel","offset")
);
--> statement-breakpoint
CREATE TABLE "channel_reads" (
	"player_id" text NOT NULL,
	"channel" text NOT NULL,
	"read_up_to" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "channel_reads_player_id_channel_pk" PRIMARY KEY("player_id","channel")
);
--> statement-breakpoint
CREATE TABLE "channels" (
	"name" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"head" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channel_members" ADD CONSTRAINT "channel_members_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_messages" ADD CONSTRAINT "channel_messages_channel_channels_name_fk" FOREIGN KEY ("channel") REFERENCES "public"."channels"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_reads" ADD CONSTRAINT "channel_reads_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "channel_members_player" ON "channel_members" USING btree ("player_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_messages_nonce" ON "channel_messages" USING btree ("channel","sender_id","nonce") WHERE nonce is not null;