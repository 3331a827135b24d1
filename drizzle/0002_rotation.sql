CREATE TABLE `rotation_burdens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`rotation_id` text NOT NULL,
	`email` text NOT NULL,
	`time_zone` text NOT NULL,
	`burden` real NOT NULL,
	`outside_hours_count` integer NOT NULL,
	`night_count` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rotation_id`) REFERENCES `rotations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rotation_burdens_rotation_email_idx` ON `rotation_burdens` (`rotation_id`,`email`);--> statement-breakpoint
CREATE INDEX `rotation_burdens_workspace_email_idx` ON `rotation_burdens` (`workspace_id`,`email`);--> statement-breakpoint
CREATE TABLE `rotations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`title` text NOT NULL,
	`status` text NOT NULL,
	`input` text NOT NULL,
	`plan` text NOT NULL,
	`created_at` integer NOT NULL,
	`committed_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rotations_workspace_idx` ON `rotations` (`workspace_id`,`created_at`);