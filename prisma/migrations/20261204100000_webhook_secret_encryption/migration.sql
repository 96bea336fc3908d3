-- Webhook signing secrets are stored encrypted (AES-256-GCM, lib/services/webhook-secrets.ts):
-- the column is renamed to say so, and the hint shown to admins (the secret's
-- first characters) gets its own column, since it can no longer be read from
-- the ciphertext. Rows written before this migration still hold the plain
-- secret ("whsec_..."); SQL cannot encrypt them with the app's key, so each
-- app process encrypts them when it starts (encryptPlaintextWebhookSecrets,
-- called by the webhook worker), and until then they are read as they are.
ALTER TABLE "WebhookEndpoint" RENAME COLUMN "secret" TO "secretEncrypted";
ALTER TABLE "WebhookEndpoint" ADD COLUMN "secretHint" TEXT NOT NULL DEFAULT '';
UPDATE "WebhookEndpoint" SET "secretHint" = left("secretEncrypted", 10) WHERE "secretEncrypted" LIKE 'whsec\_%';
ALTER TABLE "WebhookEndpoint" ALTER COLUMN "secretHint" DROP DEFAULT;
