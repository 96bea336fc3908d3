import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offPolicyPreview } from "@/lib/services/preview";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ownDatabase } from "../support/own-db";
import { postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();
const NOW = new Date("2026-11-23T12:00:00Z");
const DAY = 86_400_000;

const cand = (actionKey: string, propensity: number, businessValue: number) => ({
  actionKey,
  score: propensity * businessValue,
  propensity,
  rankingPropensity: propensity,
  posterior: { alpha: 2, beta: 8 },
  exploring: true,
  businessValue,
  contextWeight: 1,
  lever: 1,
});
const LOGGED = [cand("a", 0.2, 500), cand("b", 0.5, 150)];

// The admin preview's off-policy estimate on logged decisions, computed by hand.
describe.skipIf(!reachable)("off-policy estimate of a draft", () => {
  let prisma: PrismaClient;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const own = await ownDatabase("nudge_ope");
    prisma = own.prisma;
    drop = own.drop;
    const rep = (await prisma.user.create({ data: { email: "o@o.test", name: "O", role: "REP", passwordHash: "x" } })).id;
    let n = 0;
    const [a, b] = await Promise.all(
      ["a", "b"].map((key) => prisma.actionType.create({ data: { key, name: key, category: "GROWTH", description: "", messageTemplate: "x", rule: { signal: "tenureDays", op: "gte", value: 0 }, businessValue: 100 } })),
    );
    const rec = (actionTypeId: string, status: "ACCEPTED" | "DISMISSED" | "PENDING", pickProbability: number | null, extra: { isControl?: boolean; daysAgo?: number } = {}) =>
      prisma.recommendation.create({
        data: {
          // One customer each: an open suggestion per customer and action is unique.
          customer: { create: { externalId: `O-${++n}`, name: "O", segment: "SMB", ownerId: rep } },
          actionType: { connect: { id: actionTypeId } },
          actionTypeVersion: 1,
          rep: { connect: { id: rep } },
          score: 1,
          propensity: 0.2,
          expectedValue: 1,
          message: "m",
          reasons: [],
          status,
          isControl: extra.isControl ?? false,
          modelVersion: "v",
          createdAt: new Date(NOW.getTime() - (extra.daysAgo ?? 3) * DAY),
          expiresAt: NOW,
          decidedAt: status === "PENDING" ? null : new Date(NOW.getTime() - 2 * DAY),
          pickProbability,
          candidates: pickProbability === null ? undefined : LOGGED,
        },
      });
    await rec(a!.id, "ACCEPTED", 0.8);
    await rec(a!.id, "DISMISSED", 0.8);
    await rec(b!.id, "ACCEPTED", 0.2);
    await rec(b!.id, "DISMISSED", 0.5);
    // Not read: a control row, an open one, one without a log, one older than 90 days.
    await rec(b!.id, "DISMISSED", 0.5, { isControl: true });
    await rec(b!.id, "PENDING", 0.5);
    await rec(b!.id, "ACCEPTED", null);
    await rec(b!.id, "ACCEPTED", 0.5, { daysAgo: 91 });
  });
  afterAll(async () => drop?.());

  it("replays each decision with the draft and weights the matches by 1 / the logged probability (SNIPS)", async () => {
    // Draft: b's value 150 → 300, so b (0.5 × 300 = 150) beats a (0.2 × 500 = 100) everywhere.
    const r = await offPolicyPreview({ key: "b", businessValue: 300, lever: 1, active: true }, NOW, false, prisma);
    expect(r).not.toBeNull();
    expect(r!.logged).toBe(4);
    expect(r!.loggedAcceptance).toBe(0.5);
    expect(r!.draftCandidate).toBe(4);
    // Matches: b accepted (w = 1/0.2 = 5) and b dismissed (w = 1/0.5 = 2): 5 / 7.
    expect(r!.estimate.matched).toBe(2);
    expect(r!.estimate.estimate).toBeCloseTo(5 / 7, 12);
    expect(r!.estimate.effectiveSampleSize).toBeCloseTo(49 / 29, 12);
    expect(r!.estimate.ci!.lower).toBeLessThan(5 / 7);
    expect(r!.estimate.ci!.upper).toBeGreaterThan(5 / 7);
  });

  it("switching the action off replays to the other action", async () => {
    const r = await offPolicyPreview({ key: "b", businessValue: 150, lever: 1, active: false }, NOW, false, prisma);
    // Only a's decisions match (w = 1/0.8 each): one accepted of two.
    expect(r!.estimate.estimate).toBeCloseTo(0.5, 12);
    expect(r!.estimate.matched).toBe(2);
  });

  it("says there is nothing to estimate from when no decision is logged", async () => {
    expect(await offPolicyPreview({ key: "b", businessValue: 1, lever: 1, active: true }, new Date("2020-01-01T00:00:00Z"), false, prisma)).toBeNull();
  });
});
