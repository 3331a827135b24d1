ALTER TABLE `events` ADD `desc_decision` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `desc_live_work` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `desc_readout` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `desc_questions` integer DEFAULT false NOT NULL;