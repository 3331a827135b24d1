ALTER TABLE `api_keys` ADD `label` text;--> statement-breakpoint
CREATE INDEX `api_keys_workspace_idx` ON `api_keys` (`workspace_id`);