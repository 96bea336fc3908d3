import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/data/users";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// The model lifecycle on a real database: the first tick trains the active
// version, the engine scores with its frozen fit and stamps its label; a
// scheduled candidate runs in shadow and is promoted or retired by the
// documented rule; the drift monitor stores an alert, audits it, writes a
// model.drift webhook delivery and retrains; an admin rolls back (a manager
// cannot), and the engine then scores with that version.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/guard", () => ({ getSessionUser: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_model") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db } = await import("@/lib/data/db");
const { makeActionType, makeCustomer, makeTeam, makeUser } = await import("../support/fixtures");
const { activeModel, lifecycleTick, SHADOW_MIN_OUTCOMES } = await import("@/lib/services/model-lifecycle");
const { generateRecommendations } = await import("@/lib/services/generation");
const { createWebhookEndpoint } = await import("@/lib/services/webhooks");
const { loadStats } = await import("@/lib/data/decisions");
const { acceptanceEstimate } = await import("@/lib/engine");
const { rollbackModelAction } = await import("@/lib/actions/model");

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = new Date(Date.UTC(2026, 10, 2, 6));
const PRIOR = { alpha: 2, beta: 8 };

describe.skipIf(!reachable)("model lifecycle", () => {
  let admin: SessionUser;
  let manager: SessionUser;
  let repId = "";
  let actionId = "";
  let actionKey = "";
  let customers: string[] = [];

  /** Resolved, shown suggestions: `accepted` of `n` acted on, created at `createdAt` (decided an hour later), with the P(accept) logged. */
  async function outcomes(n: number, accepted: number, createdAt: Date, propensity: number, featureKey = "SMB|00000") {
    await db().recommendation.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        customerId: customers[i % customers.length]!,
        actionTypeId: actionId,
        actionTypeVersion: 1,
        repId,
        score: 1,
        propensity,
        expectedValue: 1,
        message: "m",
        reasons: [],
        status: i < accepted ? ("DONE" as const) : ("DISMISSED" as const),
        modelVersion: "test",
        createdAt,
        shownAt: createdAt,
        decidedAt: new Date(createdAt.getTime() + HOUR),
        expiresAt: new Date(createdAt.getTime() + 7 * DAY),
        featureKey,
      })),
    });
  }
  const statusOf = async (label: string) => (await db().modelVersion.findUniqueOrThrow({ where: { number: Number(label.slice(1)) } })).status;
  const predicted = async () => acceptanceEstimate((await activeModel())!.table, actionKey, PRIOR, "SMB", "SMB|00000").mean;

  beforeAll(async () => {
    const a = await makeUser({ role: "ADMIN" });
    admin = { ...a, role: "ADMIN", teamId: null };
    const team = await makeTeam();
    const m = await makeUser({ role: "MANAGER", teamId: team.id });
    manager = { ...m, role: "MANAGER", teamId: team.id };
    repId = (await makeUser({ role: "REP", teamId: team.id })).id;
    const action = await makeActionType({ key: "lifecycle_call" });
    actionId = action.id;
    actionKey = action.key;
    customers = await Promise.all(Array.from({ length: 20 }, async () => (await makeCustomer(repId)).id));
  });
  afterAll(async () => {
    await own?.drop();
  });

  it("trains the first version as active; the engine scores with its frozen fit and stamps its label", async () => {
    expect(await activeModel()).toBeNull();
    await outcomes(60, 30, new Date(T0.getTime() - 10 * DAY), 0.2);
    const tick = await lifecycleTick({ now: T0 });
    expect(tick.trained).toBe("v1");
    expect(await statusOf("v1")).toBe("ACTIVE");
    const before = await predicted();
    expect(before).toBeGreaterThan(0.3);

    // New outcomes move a refit, not the active version, until a version trained on them is promoted.
    await outcomes(80, 0, new Date(T0.getTime() - 2 * DAY), 0.05);
    const refit = acceptanceEstimate(await loadStats(db(), T0, 30), actionKey, PRIOR, "SMB", "SMB|00000").mean;
    expect(refit).toBeLessThan(before - 0.05);
    expect(await predicted()).toBe(before);

    const fresh = await makeCustomer(repId);
    const run = await generateRecommendations({ now: T0, customerIds: [fresh.id], seed: "t" });
    expect(run.modelVersion).toBe("v1");
    const made = await db().recommendation.findMany({ where: { customerId: fresh.id }, select: { modelVersion: true, propensity: true } });
    expect(made.map((r) => r.modelVersion)).toEqual(["v1"]);
  });

  it("trains a scheduled candidate into shadow and promotes it when its log loss on later outcomes is lower", async () => {
    // Not due yet: the newest version is younger than the interval.
    expect((await lifecycleTick({ now: new Date(T0.getTime() + HOUR), retrainHours: 24 })).trained).toBeNull();
    const t1 = new Date(T0.getTime() + 25 * HOUR);
    const tick = await lifecycleTick({ now: t1, retrainHours: 24 });
    expect(tick.trained).toBe("v2");
    expect(await statusOf("v2")).toBe("SHADOW");

    // Too few outcomes after its training: it waits.
    await outcomes(SHADOW_MIN_OUTCOMES - 1, 0, new Date(t1.getTime() + HOUR), 0.05);
    const waiting = await lifecycleTick({ now: new Date(t1.getTime() + 2 * HOUR) });
    expect(waiting.evaluation?.decision).toBe("waiting");
    expect(await statusOf("v2")).toBe("SHADOW");

    // Enough: everything was dismissed, and v2 (trained on the dismissals) predicts lower acceptance than v1.
    await outcomes(1, 0, new Date(t1.getTime() + HOUR), 0.05);
    const judged = await lifecycleTick({ now: new Date(t1.getTime() + 3 * HOUR) });
    expect(judged.evaluation).toMatchObject({ decision: "promoted", n: SHADOW_MIN_OUTCOMES, activeLabel: "v1" });
    expect(judged.evaluation!.shadow!.logLoss).toBeLessThan(judged.evaluation!.active!.logLoss);
    expect(judged.promoted).toBe("v2");
    expect(await statusOf("v1")).toBe("RETIRED");
    expect(await statusOf("v2")).toBe("ACTIVE");
    expect((await activeModel())!.label).toBe("v2");
    const audit = await db().auditLog.findMany({ where: { entity: "ModelVersion", action: "promote" } });
    expect(audit.map((a) => a.after)).toEqual([expect.objectContaining({ active: "v2" })]);
  });

  it("retires a shadow whose log loss is not lower", async () => {
    const t2 = new Date(T0.getTime() + 50 * HOUR);
    expect((await lifecycleTick({ now: t2, retrainHours: 24 })).trained).toBe("v3");
    // Later outcomes are all accepted (logged near what happened, so no drift alarm): v3, trained on more dismissals than v2, does worse.
    await outcomes(SHADOW_MIN_OUTCOMES, SHADOW_MIN_OUTCOMES, new Date(t2.getTime() + HOUR), 0.95);
    const judged = await lifecycleTick({ now: new Date(t2.getTime() + 3 * HOUR), retrainHours: 24 });
    expect(judged.alerts).toBe(0);
    expect(judged.evaluation?.decision).toBe("retired");
    expect(await statusOf("v3")).toBe("RETIRED");
    expect((await activeModel())!.label).toBe("v2");
  });

  it("raises a drift alert once: stored, audited, sent to model.drift webhooks, and a candidate retrained for it goes into shadow", async () => {
    const hook = await createWebhookEndpoint(admin.id, { url: "http://127.0.0.1:9/drift", description: "", events: ["model.drift"] });
    const other = await createWebhookEndpoint(admin.id, { url: "http://127.0.0.1:9/other", description: "", events: ["suggestion.created"] });
    const t3 = new Date(T0.getTime() + 80 * HOUR);
    // Predicted 60 %, nothing acted on.
    await outcomes(80, 0, new Date(t3.getTime() - 2 * DAY), 0.6);
    const tick = await lifecycleTick({ now: t3, retrainHours: 24 });
    expect(tick.alerts).toBe(1);
    const [alert] = await db().modelAlert.findMany();
    // Resolved in the last 7 days: 80 + 50 + 80 dismissed (logged 5 %, 5 %, 60 %) and 50 done (logged 95 %).
    expect(alert).toMatchObject({ kind: "acceptance_shift", subject: `${actionKey}|SMB` });
    expect(alert!.observed).toBeCloseTo(50 / 260, 5);
    expect(alert!.expected).toBeCloseTo((80 * 0.05 + 50 * 0.05 + 50 * 0.95 + 80 * 0.6) / 260, 5);
    expect(alert!.statistic).toBeLessThan(-4);
    const retrained = await db().modelVersion.findUniqueOrThrow({ where: { id: alert!.retrainVersionId! } });
    expect(retrained).toMatchObject({ status: "SHADOW", reason: "drift" });
    expect((retrained.parameters as { discounts: { actionKey: string; segment: string }[] }).discounts).toEqual([expect.objectContaining({ actionKey, segment: "SMB" })]);
    expect(await db().auditLog.count({ where: { entity: "ModelAlert", action: "drift", actorId: null } })).toBe(1);
    const deliveries = await db().webhookDelivery.findMany({ where: { eventType: "model.drift" } });
    expect(deliveries.map((d) => d.endpointId)).toEqual([hook.id]);
    expect(deliveries[0]!.payload).toMatchObject({ alert: { subject: `${actionKey}|SMB`, modelVersion: "v2" } });
    expect(await db().webhookDelivery.count({ where: { endpointId: other.id, eventType: "model.drift" } })).toBe(0);
    const check = await db().modelDriftCheck.findFirstOrThrow({ orderBy: { at: "desc" } });
    expect(check.alerts).toBe(1);

    // The next check within a day does not repeat it.
    expect((await lifecycleTick({ now: new Date(t3.getTime() + HOUR), retrainHours: 24 })).alerts).toBe(0);
    expect(await db().modelAlert.count()).toBe(1);
  });

  it("lets an admin roll back to an earlier version, audited; refuses a manager, the active version and a shadow", async () => {
    const v1 = await db().modelVersion.findUniqueOrThrow({ where: { number: 1 } });
    const shadow = await db().modelVersion.findFirstOrThrow({ where: { status: "SHADOW" } });

    session.user = manager;
    expect(await rollbackModelAction({ versionId: v1.id })).toEqual({ ok: false, error: { code: "FORBIDDEN", message: expect.any(String) } });
    expect((await activeModel())!.label).toBe("v2");

    session.user = admin;
    const shadowTry = await rollbackModelAction({ versionId: shadow.id });
    expect(shadowTry.ok ? null : shadowTry.error.code).toBe("CONFLICT");
    const res = await rollbackModelAction({ versionId: v1.id });
    expect(res).toEqual({ ok: true, data: { active: "v1", previous: "v2" } });
    expect(await statusOf("v2")).toBe("RETIRED");
    const again = await rollbackModelAction({ versionId: v1.id });
    expect(again.ok ? null : again.error.code).toBe("CONFLICT");
    const missing = await rollbackModelAction({ versionId: "00000000-0000-4000-8000-000000000000" });
    expect(missing.ok ? null : missing.error.code).toBe("NOT_FOUND");
    const audit = await db().auditLog.findMany({ where: { entity: "ModelVersion", action: "rollback" } });
    expect(audit).toEqual([expect.objectContaining({ actorId: admin.id, entityId: v1.id, before: { active: "v2" }, after: { active: "v1" } })]);

    // The engine scores with v1 again.
    const fresh = await makeCustomer(repId);
    const run = await generateRecommendations({ now: new Date(T0.getTime() + 90 * HOUR), customerIds: [fresh.id], seed: "t2" });
    expect(run.modelVersion).toBe("v1");
    expect(await db().recommendation.count({ where: { customerId: fresh.id, modelVersion: "v1" } })).toBe(1);
  });

  it("alerts on a signal whose distribution shifted from the active version's training data (PSI)", async () => {
    const t4 = new Date(T0.getTime() + 120 * HOUR);
    // Customers with other signal buckets than the training data's, logged near what happened (no acceptance alarm).
    await outcomes(300, 0, new Date(t4.getTime() - DAY), 0.01, "SMB|33333");
    const tick = await lifecycleTick({ now: t4, retrainHours: 1000 });
    const psi = await db().modelAlert.findMany({ where: { kind: "psi" }, orderBy: { subject: "asc" } });
    expect(tick.alerts).toBe(psi.length);
    // Every signal moved; the segment did not.
    expect(psi.map((a) => a.subject)).toEqual(["daysSinceLastContact", "emailClicksLast30d", "lifetimeValue", "ordersLast90d", "webVisitsLast7d"]);
    for (const a of psi) expect(a.statistic).toBeGreaterThanOrEqual(a.threshold);
  });
});
