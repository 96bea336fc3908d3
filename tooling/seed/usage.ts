// Usage: who opened Nudge when. Reps sign in on their active days (and
// whenever they reacted to a suggestion), view their queue and customers;
// managers and the admin look at dashboards.
import type { Prisma } from "@/lib/generated/prisma/client";
import type { UsageEventType } from "@/lib/generated/prisma/enums";
import type { FeedbackRow } from "./history";
import { MANAGERS, REPS, ownerAt } from "./people";
import { DAY_MS, HISTORY_DAYS, MINUTE_MS, dayStart, isWorkingDay, timeOnDay, type Cust, type Payload, type World } from "./world";

const DASHBOARDS = ["adoption", "conversion", "model"] as const;

export function makeUsage(w: World, feedback: readonly FeedbackRow[], managerIds: readonly string[], adminId: string): Prisma.UsageEventCreateManyInput[] {
  const rng = w.rng.fork("usage");
  const rows: Prisma.UsageEventCreateManyInput[] = [];
  const add = (userId: string, type: UsageEventType, at: number, meta?: Payload) =>
    rows.push({ userId, type, at: new Date(at), ...(meta ? { meta } : {}) });

  const reactionsByUserDay = new Map<string, FeedbackRow[]>();
  for (const f of feedback) {
    const key = `${f.userId}|${dayStart(f.createdAt.getTime())}`;
    const list = reactionsByUserDay.get(key) ?? [];
    list.push(f);
    reactionsByUserDay.set(key, list);
  }
  const booksByRep = REPS.map(() => [] as Cust[]);
  for (const c of w.custs) booksByRep[ownerAt(c, w.today - 60 * DAY_MS, w.today)]?.push(c);

  for (let r = 0; r < REPS.length; r++) {
    const userId = w.repIds[r];
    const book = booksByRep[r] ?? [];
    if (!userId) continue;
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const day = w.historyStart + d * DAY_MS;
      const reactions = reactionsByUserDay.get(`${userId}|${day}`) ?? [];
      if (!w.activeDays[r]?.[d] && reactions.length === 0) continue;
      const firstReaction = reactions.reduce((m, f) => Math.min(m, f.createdAt.getTime()), Infinity);
      const signIn = Math.min(timeOnDay(rng, day, 7, 9), firstReaction - rng.int(3, 20) * MINUTE_MS);
      add(userId, "SIGN_IN", signIn, { method: "password" });
      const views = rng.int(1, 4);
      for (let k = 0; k < views; k++) add(userId, "QUEUE_VIEW", k === 0 ? signIn + rng.int(1, 5) * MINUTE_MS : timeOnDay(rng, day, 9, 18));
      const customerViews = book.length ? rng.int(1, 8) : 0;
      for (let k = 0; k < customerViews; k++) add(userId, "CUSTOMER_VIEW", timeOnDay(rng, day, 9, 18), { customerId: rng.pick(book).id });
      for (const f of reactions) add(userId, "REACTION", f.createdAt.getTime(), { recommendationId: f.recommendationId, kind: f.kind });
    }
  }
  const managerEngagement = MANAGERS.map((m) => m.engagement);
  managerIds.forEach((userId, m) => {
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const day = w.historyStart + d * DAY_MS;
      if (!isWorkingDay(day) || !rng.chance(managerEngagement[m] ?? 0.5)) continue;
      const signIn = timeOnDay(rng, day, 7, 10);
      add(userId, "SIGN_IN", signIn, { method: "password" });
      const n = rng.int(1, 3);
      for (let k = 0; k < n; k++) add(userId, "DASHBOARD_VIEW", signIn + rng.int(1, 480) * MINUTE_MS, { dashboard: rng.pick(DASHBOARDS) });
    }
  });
  for (let d = 0; d < HISTORY_DAYS; d++) {
    const day = w.historyStart + d * DAY_MS;
    if (!isWorkingDay(day) || !rng.chance(0.25)) continue;
    const signIn = timeOnDay(rng, day, 8, 17);
    add(adminId, "SIGN_IN", signIn, { method: "password" });
    if (rng.chance(0.5)) add(adminId, "DASHBOARD_VIEW", signIn + rng.int(1, 30) * MINUTE_MS, { dashboard: rng.pick(DASHBOARDS) });
  }
  // The first-run tour, on each user's first sign-in: most finished it, some skipped it at the second step.
  // Its own random stream, so the rest of the history does not move; the demo accounts never see it open by itself.
  const tourRng = w.rng.fork("tour");
  const firstSignIn = new Map<string, number>();
  for (const row of rows) if (row.type === "SIGN_IN") firstSignIn.set(row.userId, Math.min(firstSignIn.get(row.userId) ?? Infinity, (row.at as Date).getTime()));
  for (const [userId, at] of firstSignIn) {
    const tour = w.repIds.includes(userId) ? "rep" : userId === adminId ? "admin" : "manager";
    add(userId, "TOUR", at + MINUTE_MS, { event: "started", step: 1, tour });
    const skipped = tour === "rep" && tourRng.chance(0.2);
    add(userId, "TOUR", at + 3 * MINUTE_MS, skipped ? { event: "skipped", step: 2, tour } : { event: "finished", step: tour === "rep" ? 5 : tour === "manager" ? 3 : 2, tour });
  }
  return rows.sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime());
}
