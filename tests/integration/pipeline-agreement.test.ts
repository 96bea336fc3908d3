// Batch generation and the admin preview run one pipeline: on the same data,
// the preview of each saved action (unchanged) predicts exactly what the next
// batch creates for it, shown and control.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const own = reachable ? await ownDatabase("nudge_agree") : null;
if (own) process.env.DATABASE_URL = own.url;

const { db, disconnectDb } = await import("@/lib/data/db");
const { seedDemo } = await import("@/tooling/seed/demo");
const { previewActionType } = await import("@/lib/services/preview");
const { generateRecommendations } = await import("@/lib/services/generation");
const { previewActionTypeSchema } = await import("@/lib/validation/catalog");

const TODAY = new Date("2026-03-02T00:00:00.000Z");
const NOW = new Date("2026-03-10T09:00:00.000Z"); // a week on: most of the seed batch's suggestions have lapsed

describe.skipIf(!reachable)("batch and preview agree", () => {
  beforeAll(async () => {
    await seedDemo(db(), { seed: 11, today: TODAY, customers: 400 });
    // Thompson draws differ between a batch and a preview by design (the preview never explores).
    await db().actionType.updateMany({ data: { exploration: false } });
  }, 120_000);
  afterAll(async () => {
    await disconnectDb();
    await own?.drop();
  });

  it("predicts, per action, the shown and control suggestions the batch then creates", async () => {
    const actions = await db().actionType.findMany({ where: { active: true }, orderBy: { key: "asc" } });
    expect(actions.length).toBeGreaterThan(3);
    const predicted = new Map<string, { shown: number; control: number }>();
    for (const a of actions) {
      const input = previewActionTypeSchema.parse({
        id: a.id,
        key: a.key,
        name: a.name,
        category: a.category,
        description: a.description,
        messageTemplate: a.messageTemplate,
        businessValue: String(a.businessValue),
        lever: String(a.lever),
        cooldownDays: String(a.cooldownDays),
        expiresAfterDays: String(a.expiresAfterDays),
        controlGroupPct: String(a.controlGroupPct),
        exploration: a.exploration,
        rule: a.rule,
      });
      const p = await previewActionType(input, { now: NOW });
      predicted.set(a.id, { shown: p.wouldGetShown, control: p.wouldGetControl });
    }

    const res = await generateRecommendations({ now: NOW });
    const created = await db().recommendation.groupBy({ by: ["actionTypeId", "isControl"], where: { createdAt: NOW }, _count: true });
    const actual = new Map(actions.map((a) => [a.id, { shown: 0, control: 0 }]));
    for (const g of created) actual.get(g.actionTypeId)![g.isControl ? "control" : "shown"] += g._count;

    expect(res.created).toBeGreaterThan(0); // the comparison has something to compare
    expect(Object.fromEntries([...actual].map(([id, v]) => [actions.find((a) => a.id === id)!.key, v]))).toEqual(
      Object.fromEntries([...predicted].map(([id, v]) => [actions.find((a) => a.id === id)!.key, v])),
    );
  }, 120_000);
});
