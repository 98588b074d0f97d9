-- TikTok's upload_url carries its upload_token (a credential for an hour): it is now stored only
-- sealed (src/plugins/app/upload-url-vault.ts). The clear values go with the dropped column; a
-- post still uploading finds no URL it can open and starts over with a fresh init (history note
-- upload_url_unreadable), as after an expired URL.
ALTER TABLE "publish"."posts" ADD COLUMN "upload_url_sealed" text;--> statement-breakpoint
ALTER TABLE "publish"."posts" DROP COLUMN "upload_url";