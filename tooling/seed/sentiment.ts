// Demo customer feedback on contacts: CONTACT_FEEDBACK events for some of the
// suggestions reps acted on, a few hours to three days after the decision,
// then their ContactFeedback rows written by the same statement the API uses
// (lib/data/sentiment.ts insertFeedbackFromEvents), linked through the
// payload's recommendationId. Each action has its own mix of verdicts and CSAT;
// one action, RISING_ACTION, turns intrusive in the last FLAG_WINDOW_DAYS days
// (8% -> 45% of verdicts) and every acted-on suggestion of it in the two
// windows gets a response, so the dashboards and the catalog show the flag.
// Deterministic: one forked stream of the demo's PRNG, dates relative to today.
import { insertFeedbackFromEvents } from "@/lib/data/sentiment";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ContactVerdict } from "@/lib/generated/prisma/enums";
import { FLAG_WINDOW_DAYS } from "@/lib/metrics/sentiment";
import { ACTED_ON_STATUSES } from "@/lib/domain/vocabulary";
import { bulkInsert } from "./bulk";
import type { ActionKey } from "./catalog";
import type { SeedClient, SeedOmit } from "./client";
import type { Rng } from "./random";
import { DAY_MS, HOUR_MS } from "./world";

/** The action whose customers start to find it intrusive. */
export const RISING_ACTION: ActionKey = "renewal_checkin";
/** Share of acted-on suggestions a customer gives feedback on (the rising action: all of them in the flag's windows). */
const RESPONSE_RATE = 0.3;

/** Verdict mix per action: [helpful, relevant, intrusive]. */
const VERDICT_MIX: Record<ActionKey, [number, number, number]> = {
  birthday_note: [0.62, 0.32, 0.06],
  renewal_checkin: [0.5, 0.42, 0.08],
  support_followup: [0.55, 0.38, 0.07],
  book_meeting: [0.4, 0.45, 0.15],
  cross_sell: [0.3, 0.5, 0.2],
  winback_call: [0.3, 0.45, 0.25],
  discount_offer: [0.35, 0.45, 0.2],
};
/** The rising action in the last window. */
const RISEN_MIX: [number, number, number] = [0.2, 0.35, 0.45];

const CSAT_BY_VERDICT: Record<ContactVerdict | "NONE", [number, number, number, number, number]> = {
  HELPFUL: [0, 0, 0.05, 0.35, 0.6],
  RELEVANT: [0, 0.05, 0.3, 0.5, 0.15],
  INTRUSIVE: [0.4, 0.4, 0.2, 0, 0],
  NONE: [0.05, 0.1, 0.3, 0.35, 0.2],
};

const COMMENTS: Record<ContactVerdict, string[]> = {
  HELPFUL: ["Exactly what I needed, thanks.", "Good timing, we were about to look into this.", "Appreciated the personal note.", "Quick and to the point."],
  RELEVANT: ["Fair enough, but not a priority right now.", "Useful to know, will come back to it.", "OK, send me the details by email."],
  INTRUSIVE: ["Third call this month, please stop.", "I had already told your colleague we are not interested.", "Felt pushy.", "Please contact our purchasing team instead of me."],
};

type Rec = Prisma.RecommendationCreateManyInput;

function pick<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((u -= weights[i]!) < 0) return items[i]!;
  return items[items.length - 1]!;
}

/**
 * Writes demo feedback for the seeded history (`recs`, already in the
 * database). `actionKeyOf` maps action type ids to keys. Returns the number
 * of CONTACT_FEEDBACK events written (one ContactFeedback row each).
 */
export async function seedSentiment<O extends SeedOmit>(prisma: SeedClient<O>, rng: Rng, recs: readonly Rec[], actionKeyOf: Map<string, ActionKey>, today: number): Promise<number> {
  const windowStart = today - FLAG_WINDOW_DAYS * DAY_MS;
  const events: Prisma.CustomerEventCreateManyInput[] = [];
  for (const r of recs) {
    const key = actionKeyOf.get(r.actionTypeId);
    if (!key || r.isControl || !r.decidedAt || !(ACTED_ON_STATUSES as readonly string[]).includes(r.status ?? "")) continue;
    const decided = new Date(r.decidedAt).getTime();
    const occurred = decided + rng.int(2, 72) * HOUR_MS;
    if (occurred >= today) continue;
    const rising = key === RISING_ACTION && occurred > today - 2 * FLAG_WINDOW_DAYS * DAY_MS;
    if (!rising && !rng.chance(RESPONSE_RATE)) continue;
    const mix = key === RISING_ACTION && occurred > windowStart ? RISEN_MIX : VERDICT_MIX[key];
    const verdict: ContactVerdict | null = rising || rng.chance(0.8) ? pick(rng, ["HELPFUL", "RELEVANT", "INTRUSIVE"] as const, mix) : null;
    const csat = verdict === null || rng.chance(0.85) ? pick(rng, [1, 2, 3, 4, 5], CSAT_BY_VERDICT[verdict ?? "NONE"]) : null;
    const comment = verdict && rng.chance(verdict === "INTRUSIVE" ? 0.5 : 0.2) ? pick(rng, COMMENTS[verdict], COMMENTS[verdict].map(() => 1)) : null;
    const payload: Record<string, string | number> = { recommendationId: r.id as string };
    if (csat !== null) payload.csat = csat;
    if (verdict !== null) payload.verdict = verdict;
    if (comment !== null) payload.comment = comment;
    events.push({ customerId: r.customerId, type: "CONTACT_FEEDBACK", occurredAt: new Date(occurred), payload, source: "seed", createdAt: new Date(occurred) });
  }
  events.sort((a, b) => new Date(a.occurredAt).getTime() - new Date(b.occurredAt).getTime());
  await bulkInsert(prisma, "CustomerEvent", { customerId: "uuid", type: '"EventType"', occurredAt: "timestamp(3)", payload: "jsonb", source: "text", createdAt: "timestamp(3)" }, events);
  const written = await insertFeedbackFromEvents(prisma, [...new Set(events.map((e) => e.customerId))]);
  if (written.length !== events.length) throw new Error(`Seeded ${events.length} feedback events but ${written.length} feedback rows`);
  return events.length;
}
