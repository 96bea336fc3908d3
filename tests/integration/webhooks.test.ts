import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/data/users";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// Webhooks end to end against a real receiver on localhost: signed deliveries
// written by the database's triggers in the transaction of each change, sent by
// the worker, retried with back-off while the receiver is down, dead after the
// last attempt, replayed by an admin; every admin action refused to others.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/guard", () => ({ getSessionUser: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_webhooks") : null;
if (own) process.env.DATABASE_URL = own.url;
process.env.WEBHOOK_POLL_MS = "100";

const { db } = await import("@/lib/data/db");
const { makeActionType, makeCustomer, makeRecommendation, makeUser } = await import("../support/fixtures");
const { createWebhookEndpoint, deliverDueWebhooks, encryptPlaintextWebhookSecrets, replayWebhookDelivery } = await import("@/lib/services/webhooks");
const { decryptWebhookSecret, encryptWebhookSecret } = await import("@/lib/services/webhook-secrets");
const { startWebhookWorker, stopWebhookWorker } = await import("@/lib/services/webhook-worker");
const { reactToRecommendation } = await import("@/lib/services/reactions");
const { recordEvents } = await import("@/lib/services/ingest");
const actions = await import("@/lib/actions/webhooks");
const { listAuditLog } = await import("@/lib/data/audit");

/** The verification snippet exactly as the README documents it. */
function readmeVerifier(): (secret: string, header: string, rawBody: string, toleranceSeconds?: number) => boolean {
  const readme = readFileSync(path.join(process.cwd(), "README.md"), "utf8");
  const code = /<!-- webhook-verify-snippet -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error("README has no webhook verification snippet");
  return new Function("require", `${code}\nreturn verifyNudgeSignature;`)(createRequire(import.meta.url));
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver on localhost that answers `status()` (or drops the connection when it returns "drop"). */
async function receiver(status: () => number | "drop" = () => 200) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const s = status();
      got.push({ headers: req.headers, body, at: Date.now() });
      if (s === "drop") req.socket.destroy();
      else res.writeHead(s).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, got, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const opts = (now: () => Date, extra: Partial<Parameters<typeof deliverDueWebhooks>[0]> = {}) => ({ now, retryBaseMs: 60_000, maxAttempts: 4, timeoutMs: 2000, ...extra });

describe.skipIf(!reachable)("webhooks", () => {
  let admin: { id: string; email: string; name: string; role: "ADMIN"; teamId: string | null };
  let rep: { id: string; email: string };
  let actionId = "";

  beforeAll(async () => {
    const a = await makeUser({ role: "ADMIN" });
    admin = { ...a, role: "ADMIN" };
    rep = await makeUser({ role: "REP" });
    actionId = (await makeActionType({ key: "winback_call" })).id;
  });
  afterAll(async () => {
    stopWebhookWorker();
    const { disconnectDb } = await import("@/lib/data/db");
    await disconnectDb();
    await own?.drop();
  });
  beforeEach(async () => {
    // Each test has its own endpoints: earlier ones must not collect its events.
    await db().webhookEndpoint.deleteMany();
  });

  const suggestion = async (opts: { isControl?: boolean } = {}) => {
    const customer = await makeCustomer(rep.id);
    return { customer, rec: await makeRecommendation({ customerId: customer.id, actionTypeId: actionId, repId: rep.id, isControl: opts.isControl }) };
  };

  it("an accept reaches a receiver on localhost within 2 s, signed; the README's snippet verifies it and detects tampering", async () => {
    const r = await receiver();
    const { secret } = await createWebhookEndpoint(admin.id, { url: r.url, description: "CRM activity log", events: ["suggestion.accepted"] });
    const { rec, customer } = await suggestion();
    expect(startWebhookWorker()).toBe(true);
    try {
      const t0 = Date.now();
      await reactToRecommendation(rep, { recommendationId: rec.id, kind: "ACCEPT" });
      await vi.waitFor(() => expect(r.got).toHaveLength(1), { timeout: 5000, interval: 20 });
      expect(r.got[0]!.at - t0).toBeLessThan(2000);
    } finally {
      stopWebhookWorker();
      await r.close();
    }
    const { headers, body } = r.got[0]!;
    const event = JSON.parse(body);
    expect(event).toMatchObject({ type: "suggestion.accepted", data: { recommendation: { id: rec.id, status: "ACCEPTED", actionKey: "winback_call", customerExternalId: customer.externalId, repEmail: rep.email } } });
    expect(headers["nudge-event-id"]).toBe(event.id);
    expect(headers["nudge-event-type"]).toBe("suggestion.accepted");

    const verify = readmeVerifier();
    const signature = String(headers["nudge-signature"]);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(secret, signature, body)).toBe(true);
    expect(verify(secret, signature, body.replace('"ACCEPTED"', '"DISMISSED"'))).toBe(false);
    expect(verify(secret, signature.replace(/v1=(.)/, (_, c: string) => `v1=${c === "0" ? "1" : "0"}`), body)).toBe(false);
    expect(verify("whsec_someone_else", signature, body)).toBe(false);
    const stale = signature.replace(/^t=(\d+)/, (_, t: string) => `t=${Number(t) - 3600}`);
    expect(verify(secret, stale, body)).toBe(false);
  });

  it("signing secrets are encrypted at rest (AES-256-GCM): the column never holds the secret, and deliveries still verify", async () => {
    const r = await receiver();
    const { id, secret } = await createWebhookEndpoint(admin.id, { url: r.url, description: "", events: ["suggestion.accepted"] });
    const stored = await db().webhookEndpoint.findUniqueOrThrow({ where: { id }, select: { secretEncrypted: true, secretHint: true } });
    expect(stored.secretEncrypted).toMatch(/^v1:[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored.secretEncrypted).not.toContain(secret.slice("whsec_".length, "whsec_".length + 8));
    expect(stored.secretHint).toBe(secret.slice(0, 10));
    // Another endpoint with the same secret stores another ciphertext (a fresh nonce each time).
    expect(encryptWebhookSecret(secret, id)).not.toBe(stored.secretEncrypted);

    // An endpoint created before encryption (plain secret in the column) is encrypted by the start-up step.
    const legacySecret = `whsec_${"L".repeat(32)}`;
    const [legacy] = await db().$queryRaw<{ id: string }[]>`
      INSERT INTO "WebhookEndpoint" (url, events, "secretEncrypted", "secretHint") VALUES (${r.url}, ARRAY['suggestion.accepted'], ${legacySecret}, ${legacySecret.slice(0, 10)}) RETURNING id`;
    expect(await encryptPlaintextWebhookSecrets()).toBe(1);
    expect(await encryptPlaintextWebhookSecrets()).toBe(0);
    const migrated = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: legacy!.id }, select: { secretEncrypted: true } });
    expect(migrated.secretEncrypted).toMatch(/^v1:/);
    expect(migrated.secretEncrypted).not.toContain("LLLLLLLL");
    expect(decryptWebhookSecret(migrated.secretEncrypted, legacy!.id)).toBe(legacySecret);

    // Both deliveries verify with the secret each receiver was given.
    const { rec } = await suggestion();
    await reactToRecommendation(rep, { recommendationId: rec.id, kind: "ACCEPT" });
    await deliverDueWebhooks(opts(() => new Date()));
    await r.close();
    expect(r.got).toHaveLength(2);
    const verify = readmeVerifier();
    const verified = r.got.map((g) => [secret, legacySecret].filter((s) => verify(s, String(g.headers["nudge-signature"]), g.body)).length);
    expect(verified).toEqual([1, 1]);

    // A ciphertext copied onto another endpoint's row does not decrypt there (the id is bound in).
    expect(() => decryptWebhookSecret(stored.secretEncrypted, legacy!.id)).toThrow(/cannot be decrypted/);
    const tampered = stored.secretEncrypted.slice(0, -2) + (stored.secretEncrypted.endsWith("A") ? "BB" : "AA");
    expect(() => decryptWebhookSecret(tampered, id)).toThrow(/cannot be decrypted/);
  });

  it("a secret that cannot be decrypted fails the attempt with a message an admin can act on, and is retried", async () => {
    const r = await receiver();
    const { id } = await createWebhookEndpoint(admin.id, { url: r.url, description: "", events: ["suggestion.accepted"] });
    const other = await createWebhookEndpoint(admin.id, { url: r.url, description: "", events: ["suggestion.done"] });
    const foreign = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: other.id }, select: { secretEncrypted: true } });
    await db().webhookEndpoint.update({ where: { id }, data: { secretEncrypted: foreign.secretEncrypted } });
    const { rec } = await suggestion();
    await reactToRecommendation(rep, { recommendationId: rec.id, kind: "ACCEPT" });
    const round = await deliverDueWebhooks(opts(() => new Date()));
    await r.close();
    expect(round).toMatchObject({ attempted: 1, delivered: 0, retrying: 1 });
    expect(r.got).toHaveLength(0);
    const row = await db().webhookDelivery.findFirstOrThrow({ where: { endpointId: id } });
    expect(row).toMatchObject({ status: "PENDING", lastStatusCode: null, lastError: expect.stringMatching(/cannot be decrypted .*WEBHOOK_SECRET_KEY/) });
  });

  it("with the receiver down, a delivery is retried with doubling back-off until it is up, and arrives once per event id", async () => {
    let up = false;
    let calls = 0;
    const r = await receiver(() => (++calls === 1 ? "drop" : up ? 200 : 503));
    await createWebhookEndpoint(admin.id, { url: r.url, description: "", events: ["suggestion.done"] });
    const { rec } = await suggestion();
    await reactToRecommendation(rep, { recommendationId: rec.id, kind: "DONE" });
    const row = () => db().webhookDelivery.findFirstOrThrow({ where: { eventType: "suggestion.done" } });

    let clock = Date.now();
    const now = () => new Date(clock);
    expect(await deliverDueWebhooks(opts(now))).toMatchObject({ attempted: 1, retrying: 1 }); // connection dropped
    expect((await row()).lastError).toMatch(/Could not reach the receiver/);
    expect(await deliverDueWebhooks(opts(now))).toMatchObject({ attempted: 0 }); // not due yet
    clock += 60_000;
    expect(await deliverDueWebhooks(opts(now))).toMatchObject({ attempted: 1, retrying: 1 }); // 503
    const second = await row();
    expect(second).toMatchObject({ status: "PENDING", attempts: 2, lastStatusCode: 503, lastError: "The receiver answered 503" });
    expect(second.nextAttemptAt.getTime()).toBe(clock + 120_000); // doubled
    up = true;
    clock += 119_000;
    expect(await deliverDueWebhooks(opts(now))).toMatchObject({ attempted: 0 });
    clock += 1_000;
    expect(await deliverDueWebhooks(opts(now))).toMatchObject({ attempted: 1, delivered: 1 });
    clock += 24 * 3600_000;
    expect(await deliverDueWebhooks(opts(now))).toMatchObject({ attempted: 0 });
    await r.close();

    expect(await row()).toMatchObject({ status: "DELIVERED", attempts: 3, lastStatusCode: 200 });
    const ids = r.got.map((g) => g.headers["nudge-event-id"]);
    expect(new Set(ids).size).toBe(1); // every attempt carries the same event id
    expect(r.got.map((g) => g.body)).toEqual([r.got[0]!.body, r.got[0]!.body, r.got[0]!.body]); // the same bytes
    expect(calls).toBe(3);
  });

  it("after the last attempt a delivery is dead; an admin's replay sends it again with the same event id, audited", async () => {
    let status = 500;
    const r = await receiver(() => status);
    const endpoint = await createWebhookEndpoint(admin.id, { url: r.url, description: "", events: ["suggestion.dismissed"] });
    const { rec } = await suggestion();
    await reactToRecommendation(rep, { recommendationId: rec.id, kind: "DISMISS", reason: "NOT_RELEVANT" });
    let clock = Date.now();
    const now = () => new Date(clock);
    for (let i = 0; i < 3; i++) {
      expect(await deliverDueWebhooks(opts(now, { maxAttempts: 3 }))).toMatchObject({ attempted: 1 });
      clock += 10 * 60_000;
    }
    const dead = await db().webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } });
    expect(dead).toMatchObject({ status: "DEAD", attempts: 3, lastStatusCode: 500 });
    clock += 24 * 3600_000;
    expect(await deliverDueWebhooks(opts(now, { maxAttempts: 3 }))).toMatchObject({ attempted: 0 });

    status = 200;
    session.user = admin;
    expect(await actions.replayWebhookDeliveryAction({ id: dead.id })).toEqual({ ok: true, data: { replayed: true } });
    expect(await deliverDueWebhooks(opts(() => new Date(), { maxAttempts: 3 }))).toMatchObject({ attempted: 1, delivered: 1 });
    await r.close();
    expect(await db().webhookDelivery.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: "DELIVERED", attempts: 1 });
    expect(new Set(r.got.map((g) => g.headers["nudge-event-id"]))).toEqual(new Set([dead.eventId]));
    const audit = await listAuditLog({ entity: "WebhookEndpoint", entityId: endpoint.id, take: 10 });
    expect(audit.entries.map((e) => e.action)).toEqual(["replay", "create"]);
    // A delivery still being tried is not replayed.
    await replayWebhookDelivery(admin.id, dead.id).catch(() => {});
    await db().webhookDelivery.update({ where: { id: dead.id }, data: { status: "PENDING" } });
    await expect(replayWebhookDelivery(admin.id, dead.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("announces created, accepted, dismissed, done and converted to the endpoints subscribed, never control-group suggestions", async () => {
    const all = await createWebhookEndpoint(admin.id, { url: "http://127.0.0.1:9/all", description: "", events: ["suggestion.created", "suggestion.accepted", "suggestion.dismissed", "suggestion.done", "suggestion.converted"] });
    const onlyDone = await createWebhookEndpoint(admin.id, { url: "http://127.0.0.1:9/done", description: "", events: ["suggestion.done"] });
    const types = async (endpointId: string) => (await db().webhookDelivery.findMany({ where: { endpointId }, orderBy: { createdAt: "asc" } })).map((d) => d.eventType).sort();

    const a = await suggestion();
    await reactToRecommendation(rep, { recommendationId: a.rec.id, kind: "ACCEPT" });
    await recordEvents([{ customerExternalId: a.customer.externalId, type: "PURCHASE", occurredAt: new Date().toISOString(), amount: 120 }]);
    await reactToRecommendation(rep, { recommendationId: a.rec.id, kind: "DONE" });
    const b = await suggestion();
    await reactToRecommendation(rep, { recommendationId: b.rec.id, kind: "DISMISS", reason: "NOT_RELEVANT" });
    await suggestion({ isControl: true });

    expect(await types(all.id)).toEqual(["suggestion.accepted", "suggestion.converted", "suggestion.created", "suggestion.created", "suggestion.dismissed", "suggestion.done"]);
    expect(await types(onlyDone.id)).toEqual(["suggestion.done"]);
    // One event id per event, shared by the endpoints it goes to.
    const done = await db().webhookDelivery.findMany({ where: { eventType: "suggestion.done" } });
    expect(new Set(done.map((d) => d.eventId)).size).toBe(1);
    const converted = await db().webhookDelivery.findFirstOrThrow({ where: { eventType: "suggestion.converted" } });
    expect(converted.payload).toMatchObject({ recommendation: { id: a.rec.id, convertedAt: expect.any(String) } });
  });

  it("a paused endpoint's deliveries wait and go out when it is resumed; with no endpoint nothing is queued", async () => {
    const r = await receiver();
    const endpoint = await createWebhookEndpoint(admin.id, { url: r.url, description: "", events: ["suggestion.accepted"] });
    session.user = admin;
    expect((await actions.setWebhookEndpointEnabledAction({ id: endpoint.id, enabled: false })).ok).toBe(true);
    const { rec } = await suggestion();
    await reactToRecommendation(rep, { recommendationId: rec.id, kind: "ACCEPT" });
    expect(await deliverDueWebhooks(opts(() => new Date()))).toMatchObject({ attempted: 0 });
    expect((await actions.setWebhookEndpointEnabledAction({ id: endpoint.id, enabled: true })).ok).toBe(true);
    expect(await deliverDueWebhooks(opts(() => new Date()))).toMatchObject({ attempted: 1, delivered: 1 });
    await r.close();
    expect(r.got).toHaveLength(1);

    await db().webhookEndpoint.deleteMany();
    const before = await db().webhookDelivery.count();
    const { rec: other } = await suggestion();
    await reactToRecommendation(rep, { recommendationId: other.id, kind: "ACCEPT" });
    expect(await db().webhookDelivery.count()).toBe(before);
  });

  it("refuses every webhook action to reps and managers, writes nothing; an admin's create returns the secret once and is audited without it", async () => {
    const manager = await makeUser({ role: "MANAGER" });
    const endpoint = await createWebhookEndpoint(admin.id, { url: "https://crm.example.org/hooks", description: "", events: ["suggestion.done"] });
    const delivery = await db().webhookDelivery.create({ data: { endpointId: endpoint.id, eventId: crypto.randomUUID(), eventType: "suggestion.done", payload: {}, status: "DEAD" } });
    const before = { endpoints: await db().webhookEndpoint.count(), audit: await db().auditLog.count(), delivery: await db().webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } }) };
    for (const user of [{ ...rep, name: "Rep", role: "REP" as const, teamId: null }, { ...manager, role: "MANAGER" as const }]) {
      session.user = user;
      const results = [
        await actions.createWebhookEndpointAction({ url: "https://evil.example.org/x", events: ["suggestion.done"] }),
        await actions.setWebhookEndpointEnabledAction({ id: endpoint.id, enabled: false }),
        await actions.deleteWebhookEndpointAction({ id: endpoint.id }),
        await actions.replayWebhookDeliveryAction({ id: delivery.id }),
      ];
      for (const res of results) expect(res).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    }
    session.user = null;
    expect(await actions.createWebhookEndpointAction({ url: "https://x.example.org", events: ["suggestion.done"] })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    expect({ endpoints: await db().webhookEndpoint.count(), audit: await db().auditLog.count(), delivery: await db().webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } }) }).toEqual(before);

    session.user = admin;
    const bad = await actions.createWebhookEndpointAction({ url: "ftp://files.example.org", events: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: "INVALID" } });
    if (!bad.ok) expect(Object.keys(bad.error.fieldErrors ?? {}).sort()).toEqual(["events", "url"]);
    const created = await actions.createWebhookEndpointAction({ url: "https://crm.example.org/nudge", description: "CRM", events: ["suggestion.accepted", "suggestion.accepted"] });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.data.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(created.data.events).toEqual(["suggestion.accepted"]);
    const audit = await listAuditLog({ entity: "WebhookEndpoint", entityId: created.data.id, take: 5 });
    expect(audit.entries).toHaveLength(1);
    expect(JSON.stringify(audit.entries[0])).not.toContain(created.data.secret);
    expect((await actions.deleteWebhookEndpointAction({ id: created.data.id })).ok).toBe(true);
    expect(await db().webhookEndpoint.count({ where: { id: created.data.id } })).toBe(0);
  });
});
