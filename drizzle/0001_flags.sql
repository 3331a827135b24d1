CREATE TABLE `mail_opt_outs` (
	`workspace_id` text NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mail_opt_outs_workspace_email_idx` ON `mail_opt_outs` (`workspace_id`,`email`);--> statement-breakpoint
CREATE TABLE `outbox_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`suggestion_id` text,
	`recipient` text NOT NULL,
	`subject` text NOT NULL,
	`mime` text NOT NULL,
	`text` text NOT NULL,
	`html` text NOT NULL,
	`message_id` text NOT NULL,
	`deliver_after` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`attempt_started_at` integer,
	`transport` text,
	`last_error` text,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outbox_workspace_status_idx` ON `outbox_messages` (`workspace_id`,`status`,`deliver_after`);--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_message_id_idx` ON `outbox_messages` (`message_id`);--> statement-breakpoint
CREATE TABLE `series_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`series_key` text NOT NULL,
	`decision` text NOT NULL,
	`decided_by` text NOT NULL,
	`expires_at` integer,
	`decided_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `series_decisions_workspace_series_idx` ON `series_decisions` (`workspace_id`,`series_key`);--> statement-breakpoint
CREATE TABLE `suggestions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`series_key` text NOT NULL,
	`recipient` text NOT NULL,
	`period` integer NOT NULL,
	`score` integer NOT NULL,
	`verdict` text NOT NULL,
	`response` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suggestions_series_period_idx` ON `suggestions` (`workspace_id`,`series_key`,`period`);--> statement-breakpoint
CREATE INDEX `suggestions_recipient_idx` ON `suggestions` (`workspace_id`,`recipient`,`created_at`);