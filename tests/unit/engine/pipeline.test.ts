import { describe, expect, it } from "vitest";
import {
  allocate,
  decisionLog,
  buildStatsTable,
  decide,
  decideChunk,
  REPLACE_MARGIN,
  seededRng,
  type ActionDefinition,
  type ChunkInput,
  type CustomerInput,
  type HistoryRecord,
} from "@/lib/engine";
import { NOW, daysAgo, makeAction, makeCustomer, makeSignals } from "./fixtures";

// The one decision pipeline, with no database: what happens to open
// suggestions, what is proposed, and how caps allocate across customers.

const winback = makeAction({ key: "winback", category: "RETENTION", businessValue: 400, rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 } });
const offer = makeAction({ key: "offer", category: "OFFER", businessValue: 300, rule: { signal: "webVisitsLast7d", op: "gte", value: 3 } });
const support = makeAction({ key: "support", category: "SERVICE", businessValue: 2000, rule: { signal: "openTickets", op: "gte", value: 1 } });

function base(actions: ActionDefinition[], customers: CustomerInput[], mode: ChunkInput["mode"] = "batch"): ChunkInput {
  return { customers, actions, stats: buildStatsTable([]), now: NOW, rng: seededRng("t"), period: "2026-W48", modelVersion: "bb-test", mode };
}

function rec(overrides: Partial<HistoryRecord> & Pick<HistoryRecord, "id" | "actionKey">): HistoryRecord {
  return { createdAt: daysAgo(2), status: "PENDING", decidedAt: null, isControl: false, score: 50, ...overrides };
}

const lapsed = (id: string, i = 0) => ({
  customer: makeCustomer({ id, ownerId: `rep-${i % 2}` }),
  signals: makeSignals({ daysSinceLastPurchase: 120 }),
  history: [] as HistoryRecord[],
});

describe("decideChunk: per customer", () => {
  it("proposes the best eligible action to a customer with nothing open", () => {
    const { outcomes, withdrawals } = decideChunk(base([winback, offer], [lapsed("c1")]));
    expect(withdrawals).toEqual([]);
    expect(outcomes[0]!.decision).toMatchObject({ kind: "propose", candidate: { actionKey: "winback" }, replaces: [] });
  });

  it("says none when no action is eligible", () => {
    const c = { ...lapsed("c1"), signals: makeSignals({ daysSinceLastPurchase: 5 }) };
    expect(decideChunk(base([winback], [c])).outcomes[0]!.decision.kind).toBe("none");
  });

  it("withdraws a pending suggestion whose rule no longer holds, and starts its cool-down", () => {
    const c = { ...lapsed("c1"), signals: makeSignals({ daysSinceLastPurchase: 3 }), history: [rec({ id: "r1", actionKey: "winback" })] };
    const { outcomes, withdrawals } = decideChunk(base([winback], [c]));
    expect(withdrawals).toEqual([expect.objectContaining({ recommendationId: "r1", code: "RULE_UNMET" })]);
    expect(outcomes[0]!.history[0]).toMatchObject({ status: "EXPIRED", decidedAt: NOW });
  });

  it("withdraws a pending offer when the customer opts out of marketing, never an accepted one", () => {
    const c = {
      customer: makeCustomer({ id: "c1", consent: { SERVICE: true, MARKETING: false, PROFILING: true } }),
      signals: makeSignals({ webVisitsLast7d: 5 }),
      history: [rec({ id: "p", actionKey: "offer" }), rec({ id: "a", actionKey: "offer", status: "ACCEPTED" })],
    };
    const { withdrawals } = decideChunk(base([offer], [c]));
    expect(withdrawals.map((w) => [w.recommendationId, w.code])).toEqual([["p", "CONSENT"]]);
  });

  it("withdraws a pending suggestion of an action that is switched off; control-group rows stay", () => {
    const c = { ...lapsed("c1"), history: [rec({ id: "gone", actionKey: "retired" }), rec({ id: "ctl", actionKey: "retired", isControl: true })] };
    const { withdrawals } = decideChunk(base([winback], [c]));
    expect(withdrawals.map((w) => [w.recommendationId, w.code])).toEqual([["gone", "ACTION_INACTIVE"]]);
  });

  it("closes suggestions past their expiry when it knows the expiry (the preview's view)", () => {
    const c = { ...lapsed("c1"), history: [rec({ id: "old", actionKey: "offer", status: "SNOOZED", expiresAt: daysAgo(1) })] };
    const { outcomes, withdrawals } = decideChunk(base([winback, offer], [c]));
    expect(withdrawals).toEqual([expect.objectContaining({ recommendationId: "old", code: "LAPSED" })]);
    expect(outcomes[0]!.decision.kind).toBe("propose");
  });

  it("a lapse, like the database's expiry, does not restart the action's cool-down", () => {
    const short = makeAction({ ...winback, cooldownDays: 7 });
    const c = { ...lapsed("c1"), history: [rec({ id: "old", actionKey: "winback", createdAt: daysAgo(8), expiresAt: daysAgo(1) })] };
    expect(decideChunk(base([short], [c])).outcomes[0]!.decision).toMatchObject({ kind: "propose", candidate: { actionKey: "winback" } });
  });

  it("batch: keeps an open suggestion and proposes nothing new", () => {
    const c = { ...lapsed("c1"), signals: makeSignals({ daysSinceLastPurchase: 120, openTickets: 2 }), history: [rec({ id: "r1", actionKey: "winback", score: 1 })] };
    const { outcomes, withdrawals } = decideChunk(base([winback, support], [c]));
    expect(withdrawals).toEqual([]);
    expect(outcomes[0]!.decision).toMatchObject({ kind: "keep", openIds: ["r1"], best: { actionKey: "support" } });
  });

  it("realtime: replaces a pending suggestion the new best action clearly outranks", () => {
    const c = { ...lapsed("c1"), signals: makeSignals({ daysSinceLastPurchase: 120, openTickets: 2 }), history: [rec({ id: "r1", actionKey: "winback", score: 1 })] };
    const { outcomes, withdrawals } = decideChunk(base([winback, support], [c], "realtime"));
    expect(withdrawals).toEqual([expect.objectContaining({ recommendationId: "r1", code: "REPLACED" })]);
    expect(outcomes[0]!.decision).toMatchObject({ kind: "propose", candidate: { actionKey: "support" }, replaces: ["r1"] });
  });

  it("realtime: keeps a pending suggestion within the replace margin, and never replaces an accepted one", () => {
    const signals = makeSignals({ daysSinceLastPurchase: 120, openTickets: 2 });
    const best = decideChunk(base([support], [{ ...lapsed("x"), signals }])).outcomes[0]!.decision;
    if (best.kind !== "propose") throw new Error("expected a proposal");
    const close = best.candidate.score / REPLACE_MARGIN + 1; // outranked, but by less than the margin
    for (const history of [[rec({ id: "r1", actionKey: "winback", score: close })], [rec({ id: "r1", actionKey: "winback", score: 1, status: "ACCEPTED" })]]) {
      const { outcomes, withdrawals } = decideChunk(base([winback, support], [{ ...lapsed("c1"), signals, history }], "realtime"));
      expect(withdrawals).toEqual([]);
      expect(outcomes[0]!.decision.kind).toBe("keep");
    }
  });

  it("per-action holdout: a control suggestion holds the customer's slot for the attribution window, and no other action takes it", () => {
    const c = { ...lapsed("c1"), signals: makeSignals({ daysSinceLastPurchase: 120, openTickets: 2 }), history: [rec({ id: "ctl", actionKey: "offer", isControl: true, status: "EXPIRED", createdAt: daysAgo(13) })] };
    for (const mode of ["batch", "realtime"] as const) {
      const d = decideChunk(base([winback, support], [c], mode)).outcomes[0]!.decision;
      expect(d).toMatchObject({ kind: "held", code: "ACTION_HOLDOUT", until: new Date(daysAgo(13).getTime() + 14 * 86_400_000) });
      expect(d.text).toContain('control group of "offer"');
    }
    // The window is 14 days: on day 14 the slot is free again.
    const after = { ...c, history: [rec({ id: "ctl", actionKey: "offer", isControl: true, status: "EXPIRED", createdAt: daysAgo(14) })] };
    expect(decideChunk(base([winback, support], [after])).outcomes[0]!.decision).toMatchObject({ kind: "propose", candidate: { actionKey: "support" } });
  });

  it("global holdout: no proposal from any action until the draw ends, and a pending suggestion is withdrawn", () => {
    const until = new Date(NOW.getTime() + 20 * 86_400_000);
    const c = {
      ...lapsed("c1"),
      heldOutUntil: until,
      history: [rec({ id: "p", actionKey: "offer" }), rec({ id: "acc", actionKey: "offer", status: "ACCEPTED" })],
    };
    const { outcomes, withdrawals } = decideChunk(base([winback, offer], [c], "realtime"));
    expect(outcomes[0]!.decision).toMatchObject({ kind: "held", code: "GLOBAL_HOLDOUT", until });
    expect(withdrawals.map((w) => [w.recommendationId, w.code])).toEqual([["p", "HOLDOUT"]]);
    const alloc = allocate(outcomes, { openByRep: new Map() });
    expect([...alloc.create, ...alloc.control]).toEqual([]);
    // A draw that has ended holds nothing.
    expect(decideChunk(base([winback], [{ ...lapsed("c1"), heldOutUntil: NOW }])).outcomes[0]!.decision.kind).toBe("propose");
  });

  it("counts the week's suggestions, control ones included, for the contact cap", () => {
    const c = {
      ...lapsed("c1"),
      history: [
        rec({ id: "a", actionKey: "offer", status: "DONE", createdAt: daysAgo(3) }),
        rec({ id: "b", actionKey: "offer", status: "EXPIRED", isControl: true, createdAt: daysAgo(5) }),
        rec({ id: "c", actionKey: "offer", status: "DONE", createdAt: daysAgo(9) }),
      ],
    };
    expect(decideChunk(base([winback], [c])).outcomes[0]!.contactsThisWeek).toBe(2);
  });
});

describe("allocate: across customers", () => {
  it("holds back by the rep's daily cap, counting what is already open, best score first", () => {
    const customers = Array.from({ length: 6 }, (_, i) => ({ ...lapsed(`c${i}`), customer: makeCustomer({ id: `c${i}`, ownerId: "rep-a", lifetimeValue: i }) }));
    const { allocation } = decide({ ...base([winback], customers), caps: { perRepDailyCap: 4, openByRep: new Map([["rep-a", 1]]) } });
    expect(allocation.create).toHaveLength(3);
    expect(allocation.heldBack).toHaveLength(3);
    expect(allocation.heldBack.every((h) => h.code === "REP_DAILY_CAP" && h.text.length > 0)).toBe(true);
    expect(Math.min(...allocation.create.map((c) => c.score))).toBeGreaterThanOrEqual(Math.max(...allocation.heldBack.map((h) => h.candidate.score)));
  });

  it("holds back a customer already contacted as often as the weekly cap allows", () => {
    const c = { ...lapsed("c1"), history: [rec({ id: "a", actionKey: "x", status: "DONE", createdAt: daysAgo(1) }), rec({ id: "b", actionKey: "y", status: "DONE", createdAt: daysAgo(2) })] };
    const { allocation } = decide({ ...base([winback], [c]), caps: { openByRep: new Map() } });
    expect(allocation.create).toEqual([]);
    expect(allocation.heldBack.map((h) => h.code)).toEqual(["WEEKLY_CONTACT_CAP"]);
  });

  it("puts the holdout share in control, where it takes no slot of the cap", () => {
    const all = makeAction({ ...winback, controlGroupPct: 100 });
    const customers = Array.from({ length: 5 }, (_, i) => ({ ...lapsed(`c${i}`), customer: makeCustomer({ id: `c${i}`, ownerId: "rep-a" }) }));
    const { allocation } = decide({ ...base([all], customers), caps: { perRepDailyCap: 2, openByRep: new Map() } });
    expect(allocation.create).toEqual([]);
    expect(allocation.control).toHaveLength(5); // control rows take no slot, so a full control arm is never capped
    expect(allocation.heldBack).toEqual([]);
    // With the rep's queue already full, a control candidate is held back too: it would not have been shown.
    const full = decide({ ...base([all], customers), caps: { perRepDailyCap: 2, openByRep: new Map([["rep-a", 2]]) } });
    expect(full.allocation.control).toEqual([]);
    expect(full.allocation.heldBack).toHaveLength(5);
  });

  it("gives the same allocation whether customers come in one chunk or several", () => {
    const customers = Array.from({ length: 9 }, (_, i) => ({ ...lapsed(`c${i}`, i), customer: makeCustomer({ id: `c${i}`, ownerId: `rep-${i % 2}`, lifetimeValue: i * 10 }) }));
    const caps = { perRepDailyCap: 2, openByRep: new Map<string, number>() };
    const whole = allocate(decideChunk(base([winback, offer], customers)).outcomes, caps);
    const parts = [customers.slice(0, 4), customers.slice(4)].flatMap((part) => decideChunk(base([winback, offer], part)).outcomes);
    const split = allocate(parts, caps);
    const ids = (cs: { customerId: string }[]) => cs.map((c) => c.customerId).sort();
    expect(ids(split.create)).toEqual(ids(whole.create));
    expect(ids(split.heldBack.map((h) => h.candidate))).toEqual(ids(whole.heldBack.map((h) => h.candidate)));
  });
});

describe("decisionLog: what a created suggestion records for off-policy evaluation", () => {
  it("logs every candidate's score inputs, best first, and the probability the policy had of picking the chosen one", () => {
    const c = { ...lapsed("c1"), signals: makeSignals({ daysSinceLastPurchase: 120, webVisitsLast7d: 5 }) };
    const greedy = decideChunk(base([winback, offer], [c])).outcomes[0]!;
    if (greedy.decision.kind !== "propose") throw new Error("expected a proposal");
    const log = decisionLog(greedy.evaluation, greedy.decision.candidate, seededRng("log"));
    expect(log.candidates.map((x) => x.actionKey)).toEqual(["winback", "offer"]);
    expect(log.candidates[0]).toMatchObject({ businessValue: 400, lever: 1, exploring: false });
    expect(log.pickProbability).toBe(1);
    const runnerUp = greedy.evaluation.candidates[1]!;
    expect(decisionLog(greedy.evaluation, runnerUp, seededRng("log")).pickProbability).toBe(0);

    // With exploration on for both, either can win: the logged probability is strictly between 0 and 1.
    const exploring = decideChunk(base([{ ...winback, exploration: true }, { ...offer, businessValue: 380, exploration: true }], [c])).outcomes[0]!;
    if (exploring.decision.kind !== "propose") throw new Error("expected a proposal");
    const p = decisionLog(exploring.evaluation, exploring.decision.candidate, seededRng("log")).pickProbability;
    expect(p).toBeGreaterThan(0.05);
    expect(p).toBeLessThan(0.95);
  });
});
