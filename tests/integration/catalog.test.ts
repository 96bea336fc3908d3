import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

// A private database: the preview and generation read every customer and
// action, so rows of test files running in parallel must not leak in.
const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_catalog") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db, disconnectDb } = await import("@/lib/data/db");
const catalog = { ...(await import("@/lib/data/catalog")), ...(await import("@/lib/services/catalog")) };
const { previewActionType } = await import("@/lib/services/preview");
const { generateRecommendations } = await import("@/lib/services/generation");
const { listAuditLog } = await import("@/lib/data/audit");
const { createActionTypeSchema } = await import("@/lib/validation/catalog");

const DAY = 86_400_000;
const NOW = new Date(Date.UTC(2026, 10, 23, 12));
let adminId = "";
let repId = "";

const fields = (over: Record<string, unknown> = {}) =>
  createActionTypeSchema.parse({
    key: "vip_checkin",
    name: "VIP check-in",
    category: "RELATIONSHIP",
    description: "Big spenders get a call",
    messageTemplate: "Call {{firstName}} at {{company}}",
    businessValue: "900",
    lever: "1.5",
    cooldownDays: "14",
    expiresAfterDays: "7",
    controlGroupPct: "0",
    exploration: false,
    rule: { all: [{ signal: "lifetimeValue", op: "gte", value: 5000 }, { signal: "segment", op: "in", value: ["SMB", "MID"] }] },
    ...over,
  });

describe.skipIf(!reachable)("action catalog", () => {
  beforeAll(async () => {
    adminId = (await db().user.create({ data: { email: "admin@cat.test", name: "Ada Admin", role: "ADMIN", passwordHash: "x" } })).id;
    repId = (await db().user.create({ data: { email: "rep@cat.test", name: "Rita Rep", role: "REP", passwordHash: "x" } })).id;
    await db().actionType.create({
      data: { key: "winback_call", name: "Win-back call", category: "RETENTION", description: "", messageTemplate: "Call {{firstName}}", rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 }, businessValue: 400, controlGroupPct: 0 },
    });
    // 6 rich SMB customers (2 lapsed), 2 poor ones, 1 rich ENTERPRISE.
    const specs = [
      ...Array.from({ length: 6 }, (_, i) => ({ segment: "SMB", ltv: 8000, lapsed: i < 2 })),
      { segment: "SMB", ltv: 100, lapsed: false },
      { segment: "MID", ltv: 200, lapsed: false },
      { segment: "ENTERPRISE", ltv: 90000, lapsed: false },
    ];
    for (const [i, s] of specs.entries()) {
      const c = await db().customer.create({
        data: { externalId: `C-${i}`, name: `Casey ${i} Lee`, company: `Co ${i}`, segment: s.segment, lifetimeValue: s.ltv, ownerId: repId, createdAt: new Date(NOW.getTime() - 300 * DAY) },
      });
      await db().customerEvent.create({ data: { customerId: c.id, type: "PURCHASE", occurredAt: new Date(NOW.getTime() - (s.lapsed ? 200 : 10) * DAY), amount: 50 } });
    }
  });
  afterAll(async () => {
    await disconnectDb();
    await own?.drop();
  });

  it("previews a new action with the real engine and writes nothing", async () => {
    const counts = async () => [await db().recommendation.count(), await db().actionType.count(), await db().auditLog.count()];
    const before = await counts();
    const p = await previewActionType(fields(), { now: NOW });
    expect(await counts()).toEqual(before);
    expect(p.customers).toBe(9);
    expect(p.ruleMatches).toBe(6);
    expect(p.eligible).toBe(6);
    // Win-back (400) loses to VIP (900 × 1.5) for the two lapsed ones, so all six get it.
    expect(p.wouldGet).toBe(6);
    expect(p.sample[0]?.message).toMatch(/^Call Casey at Co \d$/);
    expect(p.sample[0]?.reasons.length).toBeGreaterThan(0);
    expect(p.missed).toEqual({ OUTRANKED: 0, HAS_OPEN_SUGGESTION: 0, GLOBAL_HOLDOUT: 0, ACTION_HOLDOUT: 0, REP_DAILY_CAP: 0, WEEKLY_CONTACT_CAP: 0 });
  });

  it("explains who loses to another action", async () => {
    const p = await previewActionType(fields({ businessValue: "10", lever: "0.1" }), { now: NOW });
    expect(p.eligible).toBe(6);
    expect(p.wouldGet).toBe(4);
    expect(p.missed.OUTRANKED).toBe(2);
    expect(p.missedSample[0]?.reason).toMatch(/"Win-back call" ranks higher/);
  });

  it("creates version 1 with its snapshot and audit row; a duplicate key writes nothing", async () => {
    const created = await catalog.createActionType(adminId, fields());
    expect(created.version).toBe(1);
    const versions = await catalog.listVersions(created.id);
    expect(versions.map((v) => v.version)).toEqual([1]);
    expect(versions[0]?.snapshot).toMatchObject({ key: "vip_checkin", messageTemplate: "Call {{firstName}} at {{company}}", version: 1 });
    const audit = await listAuditLog({ entity: "ActionType", entityId: created.id });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ action: "create", actor: { id: adminId }, before: null, after: { name: "VIP check-in", businessValue: 900 } });

    const auditBefore = await db().auditLog.count();
    await expect(catalog.createActionType(adminId, fields({ name: "Other" }))).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db().auditLog.count()).toBe(auditBefore);
  });

  it("generation then uses it: the preview's figure is what the batch creates", async () => {
    const action = await db().actionType.findUniqueOrThrow({ where: { key: "vip_checkin" } });
    const p = await previewActionType({ ...fields(), id: action.id }, { now: NOW });
    await generateRecommendations({ now: NOW });
    const recs = await db().recommendation.findMany({ where: { actionTypeId: action.id } });
    expect(recs).toHaveLength(p.wouldGet);
    expect(recs.every((r) => r.actionTypeVersion === 1 && /^Call Casey at Co \d$/.test(r.message))).toBe(true);
    // Now everyone has an open suggestion: a second batch would add nothing, and the preview says why.
    const again = await previewActionType({ ...fields(), id: action.id }, { now: NOW });
    expect(again.wouldGet).toBe(0);
    expect(again.blocked.OPEN_RECOMMENDATION).toBe(6);
  });

  it("an edit makes version 2; open recommendations keep version 1 and their text", async () => {
    const action = await db().actionType.findUniqueOrThrow({ where: { key: "vip_checkin" } });
    const res = await catalog.updateActionType(adminId, { ...fields({ messageTemplate: "Invite {{firstName}} to lunch" }), id: action.id, expectedVersion: 1 });
    expect(res).toEqual({ id: action.id, version: 2, changed: true });
    const open = await db().recommendation.findMany({ where: { actionTypeId: action.id, status: "PENDING" } });
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((r) => r.actionTypeVersion === 1 && r.message.startsWith("Call "))).toBe(true);
    const versions = await catalog.listVersions(action.id);
    expect(versions.map((v) => [v.version, v.openRecommendations])).toEqual([
      [2, 0],
      [1, open.length],
    ]);
    const audit = await listAuditLog({ entity: "ActionType", entityId: action.id });
    expect(audit.entries[0]).toMatchObject({
      action: "update",
      before: { version: 1, messageTemplate: "Call {{firstName}} at {{company}}" },
      after: { version: 2, messageTemplate: "Invite {{firstName}} to lunch" },
    });
  });

  it("refuses a save on top of a newer version, and a save that changes nothing makes no version", async () => {
    const action = await db().actionType.findUniqueOrThrow({ where: { key: "vip_checkin" } });
    const auditBefore = await db().auditLog.count();
    await expect(catalog.updateActionType(adminId, { ...fields({ name: "Stale" }), id: action.id, expectedVersion: 1 })).rejects.toMatchObject({ code: "CONFLICT" });
    const same = await catalog.updateActionType(adminId, { ...fields({ messageTemplate: "Invite {{firstName}} to lunch" }), id: action.id, expectedVersion: 2 });
    expect(same).toEqual({ id: action.id, version: 2, changed: false });
    expect(await db().auditLog.count()).toBe(auditBefore);
    expect((await db().actionType.findUniqueOrThrow({ where: { id: action.id } })).version).toBe(2);
  });

  it("lists live figures: open recommendations and 30-day acceptance", async () => {
    const action = await db().actionType.findUniqueOrThrow({ where: { key: "vip_checkin" } });
    const [a, b] = await db().recommendation.findMany({ where: { actionTypeId: action.id }, take: 2, orderBy: { id: "asc" } });
    await db().recommendation.update({ where: { id: a!.id }, data: { status: "ACCEPTED" } });
    await db().recommendation.update({ where: { id: b!.id }, data: { status: "DISMISSED" } });
    const row = (await catalog.listActionTypes(NOW)).find((r) => r.id === action.id)!;
    expect(row.openRecommendations).toBe(5);
    expect(row.acceptanceRate30d).toBe(0.5);
    expect(row).toMatchObject({ businessValue: 900, lever: 1.5, cooldownDays: 14, controlGroupPct: 0, active: true, version: 2 });
  });

  it("deactivating expires its open recommendations and is audited; generation then skips it", async () => {
    const action = await db().actionType.findUniqueOrThrow({ where: { key: "vip_checkin" } });
    const open = await db().recommendation.count({ where: { actionTypeId: action.id, status: { in: ["PENDING", "ACCEPTED", "SNOOZED"] } } });
    const res = await catalog.setActionTypeActive(adminId, action.id, false, NOW);
    expect(res).toEqual({ active: false, expired: open });
    expect(await db().recommendation.count({ where: { actionTypeId: action.id, status: { in: ["PENDING", "ACCEPTED", "SNOOZED"] } } })).toBe(0);
    const audit = await listAuditLog({ entity: "ActionType", entityId: action.id });
    expect(audit.entries[0]).toMatchObject({ action: "deactivate", before: { active: true }, after: { active: false, expiredRecommendations: open } });
    await generateRecommendations({ now: new Date(NOW.getTime() + 60_000) });
    expect(await db().recommendation.count({ where: { actionTypeId: action.id, status: "PENDING" } })).toBe(0);
    // Switching it on again is audited too, and deactivating twice is a no-op.
    expect(await catalog.setActionTypeActive(adminId, action.id, true)).toEqual({ active: true, expired: 0 });
    expect((await listAuditLog({ entity: "ActionType", entityId: action.id })).entries[0]?.action).toBe("activate");
  });

  it("filters the audit log by actor and date", async () => {
    const mine = await listAuditLog({ actorId: adminId });
    expect(mine.entries.length).toBeGreaterThanOrEqual(4);
    expect(mine.entries.every((e) => e.actor?.id === adminId && e.entityLabel === "VIP check-in")).toBe(true);
    const tomorrow = new Date(Date.now() + DAY);
    expect((await listAuditLog({ from: tomorrow })).entries).toHaveLength(0);
    expect((await listAuditLog({ to: new Date(Date.now() - 2 * DAY) })).entries).toHaveLength(0);
  });
});
