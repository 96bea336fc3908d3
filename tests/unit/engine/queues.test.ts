import { describe, expect, it } from "vitest";
import { buildQueues, type Candidate } from "@/lib/engine";
import { NOW } from "./fixtures";

function candidate(customerId: string, repId: string, score: number, isControl = false, actionKey = "a"): Candidate {
  return {
    customerId,
    repId,
    actionId: `id-${actionKey}`,
    actionKey,
    actionName: actionKey,
    category: "GROWTH",
    version: 1,
    score,
    propensity: 0.2,
    rankingPropensity: 0.2,
    posterior: { alpha: 2, beta: 8 },
    exploring: false,
    explorable: false,
    featureKey: "SMB|",
    businessValue: score / 0.2,
    lever: 1,
    conversionRate: 0.2,
    contextWeight: 1,
    expectedValue: 1,
    evidenceTrials: 0,
    reasons: [],
    message: "",
    isControl,
    expiresAt: NOW,
    modelVersion: "bb-test",
  };
}

function byCustomer(cs: Candidate[]): Map<string, Candidate[]> {
  const m = new Map<string, Candidate[]>();
  for (const c of cs) m.set(c.customerId, [...(m.get(c.customerId) ?? []), c]);
  return m;
}

describe("per-rep daily cap", () => {
  it("keeps each rep's top candidates by score up to the cap", () => {
    const cs = Array.from({ length: 40 }, (_, i) => candidate(`c${i}`, i % 2 === 0 ? "rep-a" : "rep-b", i));
    const queues = buildQueues(byCustomer(cs), { perRepDailyCap: 5 });
    expect(queues.get("rep-a")?.visible.map((c) => c.score)).toEqual([38, 36, 34, 32, 30]);
    expect(queues.get("rep-b")?.visible.map((c) => c.score)).toEqual([39, 37, 35, 33, 31]);
    expect(queues.get("rep-a")?.dropped).toHaveLength(15);
    expect(queues.get("rep-a")?.dropped.every((d) => d.code === "REP_DAILY_CAP")).toBe(true);
  });

  it("defaults to 25", () => {
    const cs = Array.from({ length: 30 }, (_, i) => candidate(`c${i}`, "rep-a", i));
    expect(buildQueues(byCustomer(cs)).get("rep-a")?.visible).toHaveLength(25);
  });

  it("counts suggestions already open today against the cap", () => {
    const cs = Array.from({ length: 10 }, (_, i) => candidate(`c${i}`, "rep-a", i));
    const q = buildQueues(byCustomer(cs), { perRepDailyCap: 5, openByRep: new Map([["rep-a", 3]]) });
    expect(q.get("rep-a")?.visible.map((c) => c.score)).toEqual([9, 8]);
  });
});

describe("control-group candidates", () => {
  it("do not consume the rep's visible cap but are kept separately", () => {
    const cs = [
      candidate("c1", "rep-a", 10, true),
      candidate("c2", "rep-a", 9),
      candidate("c3", "rep-a", 8, true),
      candidate("c4", "rep-a", 7),
      candidate("c5", "rep-a", 6),
    ];
    const q = buildQueues(byCustomer(cs), { perRepDailyCap: 2 }).get("rep-a");
    expect(q?.visible.map((c) => c.customerId)).toEqual(["c2", "c4"]);
    expect(q?.control.map((c) => c.customerId)).toEqual(["c1", "c3"]);
    expect(q?.dropped.map((d) => d.candidate.customerId)).toEqual(["c5"]);
  });

  it("are dropped once the queue is full, like the treated ones they mirror", () => {
    const cs = [candidate("c1", "rep-a", 10), candidate("c2", "rep-a", 9, true)];
    const q = buildQueues(byCustomer(cs), { perRepDailyCap: 1 }).get("rep-a");
    expect(q?.control).toEqual([]);
    expect(q?.dropped[0]?.code).toBe("REP_DAILY_CAP");
  });
});

describe("weekly contact cap", () => {
  it("gives nothing to customers already at the cap this week, across reps", () => {
    const cs = [candidate("c1", "rep-a", 10), candidate("c2", "rep-b", 9), candidate("c3", "rep-b", 8)];
    const queues = buildQueues(byCustomer(cs), {
      weeklyContactCap: 2,
      contactsThisWeek: new Map([
        ["c1", 2],
        ["c2", 1],
      ]),
    });
    expect(queues.get("rep-a")?.visible).toEqual([]);
    expect(queues.get("rep-a")?.dropped[0]?.code).toBe("WEEKLY_CONTACT_CAP");
    expect(queues.get("rep-b")?.visible.map((c) => c.customerId)).toEqual(["c2", "c3"]);
  });

  it("counts suggestions made in this batch too", () => {
    const cs = [
      candidate("c1", "rep-a", 10, false, "a"),
      candidate("c1", "rep-a", 9, false, "b"),
      candidate("c1", "rep-a", 8, false, "c"),
    ];
    const q = buildQueues(byCustomer(cs), { weeklyContactCap: 2 }).get("rep-a");
    expect(q?.visible.map((c) => c.actionKey)).toEqual(["a", "b"]);
    expect(q?.dropped.map((d) => d.code)).toEqual(["WEEKLY_CONTACT_CAP"]);
  });

  it("defaults to 2 per week", () => {
    const cs = [candidate("c1", "rep-a", 10)];
    const q = buildQueues(byCustomer(cs), { contactsThisWeek: new Map([["c1", 2]]) }).get("rep-a");
    expect(q?.visible).toEqual([]);
  });
});
