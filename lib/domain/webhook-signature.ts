import { createHmac, timingSafeEqual } from "node:crypto";

// Webhook signatures, as Stripe does them: the header
//   Nudge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// A receiver recomputes the HMAC over the timestamp and the raw body it got,
// compares in constant time, and refuses timestamps outside a tolerance (replay).

export const SIGNATURE_HEADER = "Nudge-Signature";
export const EVENT_ID_HEADER = "Nudge-Event-Id";
export const EVENT_TYPE_HEADER = "Nudge-Event-Type";
/** How far a signature's timestamp may be from the receiver's clock. */
export const SIGNATURE_TOLERANCE_S = 300;

const hmac = (secret: string, timestampS: number, body: string) => createHmac("sha256", secret).update(`${timestampS}.${body}`).digest("hex");

export function signWebhook(secret: string, body: string, timestampS: number): string {
  return `t=${timestampS},v1=${hmac(secret, timestampS, body)}`;
}

/** True when `header` signs `body` with `secret` at a time within the tolerance of `nowS`. */
export function verifyWebhook(secret: string, header: string, body: string, nowS: number, toleranceS = SIGNATURE_TOLERANCE_S): boolean {
  const parts = new Map(header.split(",").map((p) => [p.slice(0, p.indexOf("=")).trim(), p.slice(p.indexOf("=") + 1).trim()] as const));
  const t = Number(parts.get("t"));
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS) return false;
  const given = Buffer.from(parts.get("v1") ?? "", "utf8");
  const expected = Buffer.from(hmac(secret, t, body), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
