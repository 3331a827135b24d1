CREATE TABLE `focus_blocks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`member_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`calendar_external_id` text NOT NULL,
	`key` text NOT NULL,
	`client_id` text NOT NULL,
	`event_id` text,
	`date` text NOT NULL,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`status` text NOT NULL,
	`written_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `focus_blocks_workspace_key_idx` ON `focus_blocks` (`workspace_id`,`key`);--> statement-breakpoint
CREATE INDEX `focus_blocks_member_idx` ON `focus_blocks` (`workspace_id`,`member_id`,`start`);--> statement-breakpoint
CREATE TABLE `focus_connections` (
	`connection_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`focus_time_supported` integer,
	`checked_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `focus_members` (
	`workspace_id` text NOT NULL,
	`member_id` text NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`policy` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `focus_members_workspace_member_idx` ON `focus_members` (`workspace_id`,`member_id`);--> statement-breakpoint
CREATE TABLE `focus_settings` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
