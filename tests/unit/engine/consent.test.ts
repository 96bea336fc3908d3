import { describe, expect, it } from "vitest";
import {
  ACTION_CATEGORIES,
  buildStatsTable,
  consentBlock,
  consentState,
  decideChunk,
  defaultPurpose,
  evaluateActions,
  featureKey,
  latestConsent,
  seededRng,
  type ChunkInput,
  type ConsentEntry,
  type HistoryRecord,
} from "@/lib/engine";
import { NOW, daysAgo, makeAction, makeCustomer, makeSignals } from "./fixtures";

const at = (min: number) => new Date(Date.UTC(2026, 10, 1, 0, min));
const entry = (purpose: ConsentEntry["purpose"], channel: ConsentEntry["channel"], granted: boolean, min: number, id = min): ConsentEntry => ({ purpose, channel, granted, recordedAt: at(min), id });

describe("consent state from the recorded history", () => {
  it("grants every purpose when nothing is recorded (the old flags' default)", () => {
    expect(consentState([])).toEqual({ SERVICE: true, MARKETING: true, PROFILING: true });
  });

  it("withdraws a purpose only when every channel's latest value is withdrawn", () => {
    const two = [entry("MARKETING", "EMAIL", false, 1), entry("MARKETING", "PHONE", false, 2)];
    expect(consentState(two).MARKETING).toBe(true);
    const all = [...two, entry("MARKETING", "IN_PERSON", false, 3)];
    expect(consentState(all)).toEqual({ SERVICE: true, MARKETING: false, PROFILING: true });
    // Granting one channel again brings the purpose back; the latest value wins.
    expect(consentState([...all, entry("MARKETING", "EMAIL", true, 4)]).MARKETING).toBe(true);
  });

  it("takes the latest value per purpose and channel, ties on time going to the later record", () => {
    const h = [entry("PROFILING", null, true, 5, 10), entry("PROFILING", null, false, 5, 11), entry("PROFILING", null, true, 1, 12)];
    expect(latestConsent(h)).toEqual([h[1]]);
    expect(consentState(h).PROFILING).toBe(false);
  });
});

describe("consent in the engine", () => {
  it("maps categories to purposes: offers need marketing consent, the rest service", () => {
    for (const category of ACTION_CATEGORIES) expect(defaultPurpose(category)).toBe(category === "OFFER" ? "MARKETING" : "SERVICE");
  });

  it("blocks an action whose purpose lacks consent, and only that purpose", () => {
    const noMarketing = makeCustomer({ consent: { SERVICE: true, MARKETING: false, PROFILING: true } });
    expect(consentBlock(noMarketing, "MARKETING")?.code).toBe("NO_MARKETING_CONSENT");
    expect(consentBlock(noMarketing, "SERVICE")).toBeNull();
    const noService = makeCustomer({ consent: { SERVICE: false, MARKETING: true, PROFILING: true } });
    expect(consentBlock(noService, "SERVICE")?.code).toBe("NO_SERVICE_CONSENT");
    expect(consentBlock(noService, "MARKETING")).toBeNull();
    expect(consentBlock(makeCustomer(), "SERVICE")).toBeNull();
  });
});

describe("the pipeline honours consent by purpose", () => {
  // A retention call an admin marked as marketing: the purpose, not the category, decides.
  const marketingCall = makeAction({ key: "promo_call", category: "RETENTION", purpose: "MARKETING", businessValue: 900, rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 } });
  const serviceCall = makeAction({ key: "care_call", category: "RETENTION", purpose: "SERVICE", businessValue: 100, rule: { signal: "daysSinceLastPurchase", op: "gte", value: 90 } });
  const chunk = (consent: { SERVICE: boolean; MARKETING: boolean; PROFILING: boolean }, history: HistoryRecord[] = []): ChunkInput => ({
    customers: [{ customer: makeCustomer({ id: "c1", consent }), signals: makeSignals({ daysSinceLastPurchase: 120 }), history }],
    actions: [marketingCall, serviceCall],
    stats: buildStatsTable([]),
    now: NOW,
    rng: seededRng("consent"),
    period: "2026-W48",
    modelVersion: "bb-test",
    mode: "realtime",
  });
  const pending = (id: string, actionKey: string): HistoryRecord => ({ id, actionKey, createdAt: daysAgo(1), status: "PENDING", decidedAt: null, isControl: false, score: 50 });

  it("withdraws the open suggestions of a purpose whose consent was withdrawn and proposes nothing of it", () => {
    const granted = decideChunk(chunk({ SERVICE: true, MARKETING: true, PROFILING: true }));
    expect(granted.outcomes[0]!.decision).toMatchObject({ kind: "propose", candidate: { actionKey: "promo_call" } });

    const { outcomes, withdrawals } = decideChunk(chunk({ SERVICE: true, MARKETING: false, PROFILING: true }, [pending("p1", "promo_call")]));
    expect(withdrawals.map((w) => [w.recommendationId, w.code])).toEqual([["p1", "CONSENT"]]);
    const evaluation = outcomes[0]!.evaluation;
    expect(evaluation.candidates.map((c) => c.actionKey)).toEqual(["care_call"]);
    expect(evaluation.skipped).toContainEqual(expect.objectContaining({ actionKey: "promo_call", code: "NO_MARKETING_CONSENT" }));
  });

  it("proposes nothing to a customer who withdrew both contact purposes", () => {
    const { outcomes } = decideChunk(chunk({ SERVICE: false, MARKETING: false, PROFILING: true }));
    expect(outcomes[0]!.decision.kind).toBe("none");
  });
});

describe("without profiling consent the estimate is the segment's", () => {
  const action = makeAction({ key: "winback", category: "RETENTION", exploration: false, businessValue: 400, rule: { signal: "daysSinceLastPurchase", op: "gte", value: 0 } });
  // Evidence where heavy web visitors accept far more often than others.
  const heavy = featureKey(makeSignals({ webVisitsLast7d: 12 }));
  const light = featureKey(makeSignals({ webVisitsLast7d: 0 }));
  const stats = buildStatsTable([
    { actionKey: "winback", segment: "SMB", featureKey: heavy, shown: 200, accepted: 150, converted: 50 },
    { actionKey: "winback", segment: "SMB", featureKey: light, shown: 200, accepted: 10, converted: 3 },
  ]);
  const score = (visits: number, PROFILING: boolean) =>
    evaluateActions({
      customer: makeCustomer({ consent: { SERVICE: true, MARKETING: true, PROFILING } }),
      signals: makeSignals({ webVisitsLast7d: visits }),
      actions: [action],
      history: [],
      stats,
      now: NOW,
      rng: seededRng("p"),
      explore: false,
    }).candidates[0]!;

  it("personalises with consent, and gives every customer of the segment the same estimate without it", () => {
    expect(heavy).not.toBe(light);
    expect(score(12, true).propensity).toBeGreaterThan(score(0, true).propensity);
    const a = score(12, false);
    const b = score(0, false);
    expect(a.featureKey).toBe("SMB|");
    expect(a.propensity).toBe(b.propensity);
  });
});
