CREATE TABLE `digest_sends` (
	`workspace_id` text NOT NULL,
	`person_id` text NOT NULL,
	`week` text NOT NULL,
	`outbox_id` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`workspace_id`, `person_id`, `week`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `do_next_dismissals` (
	`workspace_id` text NOT NULL,
	`viewer` text NOT NULL,
	`item_key` text NOT NULL,
	`until` integer,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`workspace_id`, `viewer`, `item_key`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `connections` ADD `sync_warnings` text;--> statement-breakpoint
ALTER TABLE `events` ADD `away` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox_messages` ADD `kind` text DEFAULT 'suggestion' NOT NULL;--> statement-breakpoint
ALTER TABLE `sync_state` ADD `feed_etag` text;--> statement-breakpoint
ALTER TABLE `sync_state` ADD `feed_last_modified` text;--> statement-breakpoint
ALTER TABLE `sync_state` ADD `feed_hash` text;--> statement-breakpoint
ALTER TABLE `memberships` ADD `digest_opt_in` integer DEFAULT false NOT NULL;