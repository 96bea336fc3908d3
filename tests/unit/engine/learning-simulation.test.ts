// Does learning pay? Synthetic customers in three segments, five actions whose
// true acceptance per segment is hidden from the engine. The admin's priors
// rank the discount offer first everywhere, which is right for SMB only.
import { describe, expect, it } from "vitest";
import {
  buildStatsTable,
  decideForCustomer,
  estimateKey,
  seededRng,
  type ActionDefinition,
  type EngineCustomer,
  type Rng,
  type StatsRow,
  type StatsTable,
} from "@/lib/engine";
import { NOW, makeAction, makeCustomer, makeSignals } from "./fixtures";

const SEGMENTS = ["SMB", "MID_MARKET", "ENTERPRISE"] as const;
type Segment = (typeof SEGMENTS)[number];

const always = { signal: "tenureDays", op: "gte", value: 0 } as const;
const base = { rule: always, cooldownDays: 0, controlGroupPct: 0, exploration: true } as const;

// Static priority (prior mean × value × lever): offer 90 > meeting 70 > renewal 66 > support 50 > cross-sell 40.
const ACTIONS: ActionDefinition[] = [
  makeAction({ ...base, key: "discount_offer", category: "OFFER", prior: { alpha: 6, beta: 14 }, businessValue: 300 }),
  makeAction({ ...base, key: "book_meeting", category: "MEETING", prior: { alpha: 2, beta: 8 }, businessValue: 350 }),
  makeAction({ ...base, key: "renewal_checkin", category: "RETENTION", prior: { alpha: 2, beta: 8 }, businessValue: 300, lever: 1.1 }),
  makeAction({ ...base, key: "cross_sell", category: "GROWTH", prior: { alpha: 1, beta: 9 }, businessValue: 400 }),
  makeAction({ ...base, key: "support_followup", category: "SERVICE", prior: { alpha: 2, beta: 8 }, businessValue: 250 }),
];

// The hidden truth: P(accept) per action and segment.
const TRUE_ACCEPTANCE: Record<string, Record<Segment, number>> = {
  discount_offer: { SMB: 0.3, MID_MARKET: 0.1, ENTERPRISE: 0.05 },
  book_meeting: { SMB: 0.12, MID_MARKET: 0.4, ENTERPRISE: 0.2 },
  renewal_checkin: { SMB: 0.1, MID_MARKET: 0.15, ENTERPRISE: 0.45 },
  cross_sell: { SMB: 0.2, MID_MARKET: 0.2, ENTERPRISE: 0.15 },
  support_followup: { SMB: 0.15, MID_MARKET: 0.1, ENTERPRISE: 0.1 },
};
const CONVERSION_AFTER_ACCEPT = 0.3;

const ROUNDS = 30;
const CUSTOMERS_PER_SEGMENT = 100;

function truth(actionKey: string, segment: Segment): number {
  return TRUE_ACCEPTANCE[actionKey]?.[segment] ?? 0;
}

/** The engine's choice: learned stats with Thompson sampling, or no stats and no exploration (static). */
function pickWith(customer: EngineCustomer, table: StatsTable, rng: Rng, explore: boolean): string {
  const [best] = decideForCustomer({
    customer,
    signals: makeSignals({ segment: customer.segment }),
    actions: ACTIONS,
    history: [],
    stats: table,
    now: NOW,
    rng,
    modelVersion: "bb-sim",
    explore,
  });
  if (!best) throw new Error("every action is always eligible");
  return best.actionKey;
}

function simulate() {
  const customers = SEGMENTS.flatMap((segment) =>
    Array.from({ length: CUSTOMERS_PER_SEGMENT }, (_, i) => ({
      segment,
      customer: makeCustomer({ id: `${segment}-${i}`, segment }),
    })),
  );
  const learnedStats = new Map<string, StatsRow>();
  const decisionRng = seededRng("simulation-decisions");
  const outcomeRng = seededRng("simulation-outcomes");
  const accepted = { learned: 0, static: 0, oracle: 0 };
  let decisions = 0;

  for (let round = 0; round < ROUNDS; round++) {
    // The nightly batch decides with yesterday's stats, then the day's feedback comes in.
    const table = buildStatsTable([...learnedStats.values()]);
    for (const { customer, segment } of customers) {
      const learnedKey = pickWith(customer, table, decisionRng, true);
      const staticKey = pickWith(customer, new Map(), decisionRng, false);
      const oracleP = Math.max(...ACTIONS.map((a) => truth(a.key, segment)));

      // Common random numbers: one draw decides all three arms, so the oracle
      // accepts whenever anyone does.
      const u = outcomeRng();
      const learnedAccepted = u < truth(learnedKey, segment);
      if (learnedAccepted) accepted.learned++;
      if (u < truth(staticKey, segment)) accepted.static++;
      if (u < oracleP) accepted.oracle++;
      decisions++;

      const key = estimateKey(learnedKey, segment);
      const row = learnedStats.get(key) ?? { actionKey: learnedKey, segment, shown: 0, accepted: 0, converted: 0 };
      learnedStats.set(key, {
        ...row,
        shown: row.shown + 1,
        accepted: row.accepted + (learnedAccepted ? 1 : 0),
        converted: row.converted + (learnedAccepted && outcomeRng() < CONVERSION_AFTER_ACCEPT ? 1 : 0),
      });
    }
  }
  return {
    learned: accepted.learned / decisions,
    static: accepted.static / decisions,
    oracle: accepted.oracle / decisions,
    learnedStats,
  };
}

describe("learning simulation", () => {
  it("learns per-segment preferences the static priorities get wrong", () => {
    const started = performance.now();
    const result = simulate();
    const ms = performance.now() - started;
    console.log(
      `learning simulation: learned ${result.learned.toFixed(3)}, static ${result.static.toFixed(3)}, oracle ${result.oracle.toFixed(3)} (rounds=${ROUNDS}, customers=${CUSTOMERS_PER_SEGMENT * SEGMENTS.length}, ${Math.round(ms)} ms)`,
    );
    expect(result.learned).toBeGreaterThan(result.static + 0.05);
    expect(result.learned).toBeLessThanOrEqual(result.oracle);
    expect(ms).toBeLessThan(5000);
  });

  it("is deterministic", () => {
    const a = simulate();
    const b = simulate();
    expect(a.learned).toBe(b.learned);
    expect([...a.learnedStats.entries()]).toEqual([...b.learnedStats.entries()]);
  });

  it("ends up preferring each segment's best action", () => {
    const { learnedStats } = simulate();
    const mostShown = (segment: Segment) =>
      [...learnedStats.values()].filter((r) => r.segment === segment).sort((a, b) => b.shown - a.shown)[0]?.actionKey;
    expect(mostShown("SMB")).toBe("discount_offer");
    expect(mostShown("MID_MARKET")).toBe("book_meeting");
    expect(mostShown("ENTERPRISE")).toBe("renewal_checkin");
  });
});
