import { createHmac } from "node:crypto";

// Webhook signatures, as Stripe does them: the header
//   Nudge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// A receiver recomputes the HMAC over the timestamp and the raw body it got,
// compares in constant time, and refuses timestamps outside a tolerance (replay):
// the README's snippet, which tests/integration/webhooks.test.ts runs.

export const SIGNATURE_HEADER = "Nudge-Signature";
export const EVENT_ID_HEADER = "Nudge-Event-Id";
export const EVENT_TYPE_HEADER = "Nudge-Event-Type";
const hmac = (secret: string, timestampS: number, body: string) => createHmac("sha256", secret).update(`${timestampS}.${body}`).digest("hex");

export function signWebhook(secret: string, body: string, timestampS: number): string {
  return `t=${timestampS},v1=${hmac(secret, timestampS, body)}`;
}
