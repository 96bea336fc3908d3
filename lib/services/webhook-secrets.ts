import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { authSecret, env, webhookSecretKey } from "@/lib/config/env";

// Webhook signing secrets at rest: AES-256-GCM with a random 96-bit nonce, the
// endpoint's id as associated data (a ciphertext copied to another endpoint's
// row does not decrypt), stored as `v1:<nonce>.<tag>.<ciphertext>` (base64url).
// The key is SHA-256 of WEBHOOK_SECRET_KEY, else of NEXTAUTH_SECRET (so a
// deployment that sets only that one works unchanged), else, outside
// production, of a fixed development string. Changing the key material makes
// stored secrets unreadable: deliveries then fail with a message saying so,
// and the endpoints must be created again (set WEBHOOK_SECRET_KEY to rotate
// NEXTAUTH_SECRET without touching webhooks).

const PREFIX = "v1:";
/** The development key's material (never used in production). */
export const DEV_WEBHOOK_KEY = "nudge-development-webhook-key (not for production)";

function key(): Buffer {
  const material = webhookSecretKey() ?? authSecret() ?? (env().NODE_ENV === "production" ? undefined : DEV_WEBHOOK_KEY);
  if (!material) throw new Error("Set WEBHOOK_SECRET_KEY (or NEXTAUTH_SECRET) to store webhook signing secrets");
  return createHash("sha256").update(`nudge-webhook-secret:${material}`).digest();
}

const aad = (endpointId: string) => Buffer.from(`webhook-endpoint:${endpointId}`);

export const isEncryptedSecret = (stored: string) => stored.startsWith(PREFIX);

export function encryptWebhookSecret(secret: string, endpointId: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), nonce);
  cipher.setAAD(aad(endpointId));
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return `${PREFIX}${nonce.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}.${body.toString("base64url")}`;
}

/**
 * The signing secret of an endpoint. A value without the prefix is a secret
 * stored before encryption (read as it is until encryptPlaintextWebhookSecrets
 * runs); a value that does not decrypt throws a message an admin can act on.
 */
export function decryptWebhookSecret(stored: string, endpointId: string): string {
  if (!isEncryptedSecret(stored)) return stored;
  const [nonce, tag, body] = stored.slice(PREFIX.length).split(".");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(nonce ?? "", "base64url"), { authTagLength: 16 });
    decipher.setAAD(aad(endpointId));
    decipher.setAuthTag(Buffer.from(tag ?? "", "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body ?? "", "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("The endpoint's signing secret cannot be decrypted (was WEBHOOK_SECRET_KEY or NEXTAUTH_SECRET changed?); delete the endpoint and add it again");
  }
}
