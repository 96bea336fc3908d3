// The demo seed: three teams, ~12 reps, 1,500 customers, six months of events,
// recommendation/feedback/usage history and today's queue, so every screen
// and dashboard has shape on first open.
//
// Deterministic: one seeded PRNG (split into named streams) drives every
// value, ids included, and every date is relative to `today`, so the same
// seed and `today` always produce identical rows. Fast: everything is built in
// memory and written with chunked createMany calls, no per-row round trips.
//
// Phases: people.ts (staff and rep adoption), customers.ts (customers and
// events), history.ts (weekly recommendation batches decided by the engine,
// reactions from a behaviour model), usage.ts (sign-ins and page views).
// Everything the engine decides (signals, rules, scores, reasons, messages,
// holdout) comes from lib/engine, never from a copy here.
import bcrypt from "bcryptjs";
import { generateRecommendations, type GenerationResult } from "@/lib/services/generation";
import { computeDriftSignals, driftThresholdsOf, trainVersion } from "@/lib/services/model-lifecycle";
import { insertDriftCheck, updateVersion } from "@/lib/data/model-versions";
import { loadProgramSettings } from "@/lib/data/holdout";
import type { Tx } from "@/lib/data/db";
import { defaultPurpose, isoDate } from "@/lib/engine";
import type { Prisma } from "@/lib/generated/prisma/client";
import { bulkInsert, type ColumnTypes } from "./bulk";
import { DEMO_CATALOG, SEGMENTS, catalogSnapshot } from "./catalog";
import { startOfUtcDay, type SeedClient } from "./client";
import { lifetimeValueOf, makeBaselineEvents, makeCustomers } from "./customers";
import { conversionSummary, simulateHistory } from "./history";
import { writeHoldoutHistory } from "./holdout";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TEAMS, MANAGERS, REPS, makeActiveDays, type DemoTeam } from "./people";
import { Rng } from "./random";
import { seedSentiment } from "./sentiment";
import { makeUsage } from "./usage";
import { DAY_MS, HISTORY_DAYS, HOUR_MS, MINUTE_MS, type Cust, type World } from "./world";

export { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TEAMS, HISTORY_DAYS, SEGMENTS, startOfUtcDay, type DemoTeam, type SeedClient };

export interface SeedOptions {
  seed?: number;
  /** The demo's "today" (start of a UTC day); history lies before it. */
  today?: Date;
  customers?: number;
  /** Progress lines (phase and elapsed time), e.g. console.log. */
  log?: (line: string) => void;
}

export interface SeedSummary {
  seed: number;
  today: string;
  teams: number;
  users: number;
  customers: number;
  events: number;
  actionTypes: number;
  recommendations: number;
  historyRecommendations: number;
  /** Today's queues, built by the real engine's batch generation. */
  todaysQueue: GenerationResult;
  feedback: number;
  usageEvents: number;
  auditLogs: number;
  /** Share of recommendations followed by a purchase within 14 days of creation. */
  conversion14d: { accepted: number; control: number; acceptedN: number; controlN: number };
  ms: number;
}

/** Empties every application table (not the migrations table) and resets identities. */
export async function wipeAppTables<O extends Prisma.PrismaClientOptions["omit"]>(prisma: SeedClient<O>): Promise<void> {
  await prisma.$executeRawUnsafe(
    `TRUNCATE TABLE "ModelAlert", "ModelDriftCheck", "ModelVersion", "AuditLog", "ApiKey", "UsageEvent", "ContactFeedback", "Feedback", "Recommendation", "RecommendationDay", "RecommendationModelDay", "ReactionLatency", "UsageSessionStat", "CustomerEvent", "CustomerEventKey", "HoldoutAssignment", "HoldoutPeriod", "Customer", "ActionTypeVersion", "ActionType", "User", "Team" RESTART IDENTITY CASCADE`,
  );
}

// ---------------------------------------------------------------------------
// Writing

/** A demo customer's withdrawals as consent records (no record: granted), as the data-rights migration derives them. */
function consentRows(c: Cust): Prisma.ConsentRecordCreateManyInput[] {
  const purposes = c.doNotContact ? (["SERVICE", "MARKETING"] as const) : c.marketingOptOut ? (["MARKETING"] as const) : [];
  return purposes.flatMap((purpose) =>
    (["EMAIL", "PHONE", "IN_PERSON"] as const).map((channel) => ({ customerId: c.id, purpose, channel, granted: false, recordedAt: c.createdAt, source: "seed" })),
  );
}

const TS = "timestamp(3)";
const CUSTOMER_COLUMNS: ColumnTypes<Prisma.CustomerCreateManyInput> = {
  id: "uuid", externalId: "text", name: "text", email: "text", phone: "text", company: "text", segment: "text", birthday: "date",
  ownerId: "uuid", lifetimeValue: "numeric", renewalDate: "date", createdAt: TS, updatedAt: TS,
};
const EVENT_COLUMNS: ColumnTypes<Prisma.CustomerEventCreateManyInput> = {
  customerId: "uuid", type: '"EventType"', occurredAt: TS, amount: "numeric", productLine: "text", payload: "jsonb", source: "text", createdAt: TS,
};
const RECOMMENDATION_COLUMNS: ColumnTypes<Prisma.RecommendationCreateManyInput> = {
  id: "uuid", customerId: "uuid", actionTypeId: "uuid", actionTypeVersion: "integer", repId: "uuid", score: "float8", propensity: "float8",
  expectedValue: "float8", message: "text", reasons: "jsonb", status: '"RecommendationStatus"', isControl: "boolean", modelVersion: "text",
  createdAt: TS, expiresAt: TS, shownAt: TS, snoozedUntil: TS, decidedAt: TS, pickProbability: "float8", candidates: "jsonb",
};
const FEEDBACK_COLUMNS: ColumnTypes<Prisma.FeedbackCreateManyInput> = {
  recommendationId: "uuid", userId: "uuid", kind: '"FeedbackKind"', dismissReason: '"DismissReason"', note: "text", snoozeUntil: TS,
  previousStatus: '"RecommendationStatus"', createdAt: TS,
};
const USAGE_COLUMNS: ColumnTypes<Prisma.UsageEventCreateManyInput> = { userId: "uuid", type: '"UsageEventType"', at: TS, meta: "jsonb" };

/**
 * Seeds the demo into an empty, migrated database. The caller makes sure it is
 * empty (see scripts/seed.ts and `wipeAppTables`).
 */
export async function seedDemo<O extends Prisma.PrismaClientOptions["omit"]>(prisma: SeedClient<O>, options: SeedOptions = {}): Promise<SeedSummary> {
  const started = Date.now();
  const seed = options.seed ?? 42;
  const today = startOfUtcDay(options.today ?? new Date()).getTime();
  const customerCount = options.customers ?? 1500;
  let lap = started;
  const phase = (name: string) => {
    const t = Date.now();
    options.log?.(`  ${name.padEnd(28)} ${((t - lap) / 1000).toFixed(2)} s`);
    lap = t;
  };
  const root = new Rng(`nudge-demo:${seed}`);
  const ids = root.fork("ids");
  const w: World = {
    rng: root,
    ids,
    today,
    historyStart: today - HISTORY_DAYS * DAY_MS,
    repIds: REPS.map(() => ids.uuid()),
    activeDays: [],
    custs: [],
    actionIds: new Map(),
    purchaseSeq: 0,
  };
  const H = w.historyStart;

  // Staff.
  const adminId = ids.uuid();
  const managerIds = MANAGERS.map(() => ids.uuid());
  const teamIds = new Map<DemoTeam, string>(DEMO_TEAMS.map((t) => [t, ids.uuid()]));
  const salt = `$2b$10$${bcrypt.encodeBase64(root.fork("salt").bytes(16), 16)}`;
  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, salt);
  phase("password hash");
  const staffCreated = new Date(H - 30 * DAY_MS + 9 * HOUR_MS);
  const users: Prisma.UserCreateManyInput[] = [
    { id: adminId, email: DEMO_ACCOUNTS.admin.email, name: DEMO_ACCOUNTS.admin.name, role: "ADMIN", teamId: null, passwordHash, active: true, createdAt: new Date(H - 45 * DAY_MS + 9 * HOUR_MS) },
    ...MANAGERS.map((m, i): Prisma.UserCreateManyInput => ({
      id: managerIds[i] as string,
      email: m.email,
      name: m.name,
      role: "MANAGER",
      teamId: teamIds.get(m.team) ?? null,
      passwordHash,
      active: true,
      createdAt: staffCreated,
    })),
    ...REPS.map((r, i): Prisma.UserCreateManyInput => ({
      id: w.repIds[i] as string,
      email: r.email,
      name: r.name,
      role: "REP",
      teamId: teamIds.get(r.team) ?? null,
      passwordHash,
      active: r.deactivatedDaysAgo === null,
      createdAt: new Date(Math.min(staffCreated.getTime(), H + (r.adoptDay - 7) * DAY_MS) + i * MINUTE_MS),
    })),
  ];

  // Catalog.
  const catalogAt = new Date(H - 10 * DAY_MS + 10 * HOUR_MS);
  const actionTypes: Prisma.ActionTypeCreateManyInput[] = [];
  const versions: Prisma.ActionTypeVersionCreateManyInput[] = [];
  const audit: Prisma.AuditLogCreateManyInput[] = [];
  for (const entry of DEMO_CATALOG) {
    const id = ids.uuid();
    w.actionIds.set(entry.key, id);
    const { rule, ...rest } = entry;
    actionTypes.push({
      id,
      ...rest,
      purpose: defaultPurpose(entry.category),
      rule,
      businessValue: entry.businessValue.toFixed(2),
      active: true,
      version: 1,
      updatedById: adminId,
      createdAt: catalogAt,
      updatedAt: catalogAt,
    });
    const snapshot = catalogSnapshot(entry, 1);
    versions.push({ id: ids.uuid(), actionTypeId: id, version: 1, snapshot, createdAt: catalogAt });
    audit.push({ actorId: adminId, entity: "ActionType", entityId: id, action: "create", after: snapshot, at: catalogAt });
  }

  // Customers, events, history.
  w.custs = makeCustomers(w, customerCount);
  const evRng = root.fork("events");
  for (const c of w.custs) makeBaselineEvents(w, c, evRng);
  for (const c of w.custs) c.lifetimeValue = lifetimeValueOf(c);
  w.activeDays = makeActiveDays(w);
  phase("customers and events");
  const holdoutPct = (await prisma.programSettings.findUnique({ where: { id: 1 }, select: { globalHoldoutPct: true } }))?.globalHoldoutPct ?? 5;
  const history = simulateHistory(w, { seed: `demo:${seed}`, pct: holdoutPct });
  phase("recommendation history");
  const feedback = history.feedback.slice().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const usage = makeUsage(w, feedback, managerIds, adminId);

  REPS.forEach((r, i) => {
    if (r.deactivatedDaysAgo === null) return;
    audit.push({
      actorId: adminId,
      entity: "User",
      entityId: w.repIds[i] as string,
      action: "deactivate",
      before: { active: true },
      after: { active: false },
      at: new Date(today - r.deactivatedDaysAgo * DAY_MS + 10 * HOUR_MS),
    });
  });

  const customers: Prisma.CustomerCreateManyInput[] = [];
  const events: Prisma.CustomerEventCreateManyInput[] = [];
  for (const c of w.custs) {
    customers.push({
      id: c.id,
      externalId: c.externalId,
      name: c.name,
      email: c.email,
      phone: c.phone,
      company: c.company,
      segment: c.segment,
      birthday: c.birthday,
      ownerId: c.ownerId,
      // Including the purchases the history added.
      lifetimeValue: lifetimeValueOf(c).toFixed(2),
      renewalDate: c.renewalDate,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
    c.events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    for (const e of c.events) {
      events.push({
        customerId: c.id,
        type: e.type,
        occurredAt: e.occurredAt,
        amount: e.amount === null ? null : e.amount.toFixed(2),
        productLine: e.productLine,
        payload: e.payload,
        source: "seed",
        createdAt: e.occurredAt,
      });
    }
  }

  phase("usage and rows");
  // Write. Teams first without managers (users reference teams), then users,
  // then the team managers.
  await prisma.team.createMany({
    data: DEMO_TEAMS.map((name, i) => ({ id: teamIds.get(name) as string, name, managerId: null, createdAt: new Date(staffCreated.getTime() - (3 - i) * MINUTE_MS) })),
  });
  await prisma.user.createMany({ data: users });
  for (const [i, m] of MANAGERS.entries()) {
    await prisma.team.update({ where: { id: teamIds.get(m.team) as string }, data: { managerId: managerIds[i] as string } });
  }
  await prisma.actionType.createMany({ data: actionTypes });
  await prisma.actionTypeVersion.createMany({ data: versions });
  await bulkInsert(prisma, "Customer", CUSTOMER_COLUMNS, customers);
  await prisma.consentRecord.createMany({ data: w.custs.flatMap(consentRows) });
  phase(`write ${customers.length} customers`);
  // Every month of the history gets its partition first (migration 20261207000000_history_partitions), so no row lands in DEFAULT.
  const oldest = [...events.map((e) => e.occurredAt), ...usage.map((u) => u.at)].reduce<number>((min, d) => Math.min(min, new Date(d ?? today).getTime()), today);
  await prisma.$executeRaw`SELECT nudge_ensure_month_partitions(${new Date(oldest)}::timestamp, ${new Date(today)}::timestamp + interval '3 months')`;
  await bulkInsert(prisma, "CustomerEvent", EVENT_COLUMNS, events);
  phase(`write ${events.length} events`);
  await writeHoldoutHistory(prisma, history);
  // The demo's model history (below): v1, trained 14 days before today, made the suggestions since.
  const v1At = new Date(today - 14 * DAY_MS + 7 * HOUR_MS);
  for (const r of history.recs) if (r.createdAt >= v1At) r.modelVersion = "v1";
  await bulkInsert(prisma, "Recommendation", RECOMMENDATION_COLUMNS, history.recs);
  await bulkInsert(prisma, "Feedback", FEEDBACK_COLUMNS, feedback);
  phase(`write ${history.recs.length} recs + feedback`);
  const feedbackEvents = await seedSentiment(prisma, root.fork("sentiment"), history.recs, new Map([...w.actionIds].map(([key, id]) => [id, key])), today);
  await bulkInsert(prisma, "UsageEvent", USAGE_COLUMNS, usage);
  await prisma.auditLog.createMany({ data: audit });
  phase(`write ${usage.length} usage + audit`);

  // Model versions (lib/services/model-lifecycle.ts): v1 trained a fortnight
  // ago and since retired, v2 trained at 07:00 today and active, and this
  // morning's drift check, so the model page has a history to show and an
  // earlier version to roll back to.
  await prisma.$transaction(
    async (seedTx) => {
      const tx = seedTx as unknown as Tx;
      const v2At = new Date(today + 7 * HOUR_MS);
      const v1 = await trainVersion(tx, v1At, { status: "RETIRED", reason: "seed" });
      await updateVersion(tx, v1.id, { activatedAt: v1At, retiredAt: v2At });
      const v2 = await trainVersion(tx, v2At, { status: "ACTIVE", reason: "seed" });
      const settings = await loadProgramSettings(tx);
      const { from, signals } = await computeDriftSignals(tx, v2At, driftThresholdsOf(settings), v2);
      await insertDriftCheck(tx, { at: v2At, windowFrom: from, windowTo: v2At, modelVersionId: v2.id, signals: signals as unknown as Prisma.InputJsonValue, alerts: 0 });
    },
    { timeout: 120_000 },
  );
  phase("model versions");

  // Today's queues come from the real engine (batch generation), scoring
  // with the active model version, at 08:00 UTC of the seeded day.
  const queue = await generateRecommendations({ now: new Date(today + 8 * HOUR_MS), seed: `demo:${seed}` }, prisma);
  phase("today's queue");

  return {
    seed,
    today: isoDate(new Date(today)),
    teams: DEMO_TEAMS.length,
    users: users.length,
    customers: customers.length,
    events: events.length + feedbackEvents,
    actionTypes: actionTypes.length,
    recommendations: history.recs.length + queue.created,
    historyRecommendations: history.recs.length,
    todaysQueue: queue,
    feedback: feedback.length,
    usageEvents: usage.length,
    auditLogs: audit.length,
    conversion14d: conversionSummary(history.outcomes, today),
    ms: Date.now() - started,
  };
}

