ALTER TABLE `connections` ADD `last_error_at` integer;--> statement-breakpoint
ALTER TABLE `connections` ADD `synced_through_at` integer;--> statement-breakpoint
ALTER TABLE `connections` ADD `last_push_at` integer;--> statement-breakpoint
ALTER TABLE `connections` ADD `sync_note` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `sync_note_at` integer;--> statement-breakpoint
ALTER TABLE `connections` ADD `profile_read_at` integer;--> statement-breakpoint
ALTER TABLE `jobs` ADD `rerun` integer DEFAULT false NOT NULL;