// The large, deterministic data set for benchmarks (npm run seed:large): the
// same shape as the demo seed (teams, managers, reps, customers with segments,
// birthdays and renewals, six months of events, weekly recommendation history
// with reactions, feedback, holdout, usage), at 60 reps, 60,000 customers,
// ~1.2 million events and ~370,000 feedback rows.
//
// Written server-side in a handful of INSERT ... SELECT FROM generate_series
// statements: every "random" value is a slice of md5(<seed>:<what>:<row>), so
// the same seed and `today` always give identical rows (ids included), and
// nothing crosses the wire row by row. The seed's `today` is the start of a UTC
// day; history lies in the 182 days before it.
//
// The engine decides only today's queue (the caller runs batch generation
// afterwards); the history's actions, scores, reasons and reactions follow the
// demo's behaviour model in simplified, set-based form.
import bcrypt from "bcryptjs";
import type { Client } from "pg";
import { DEMO_CATALOG, catalogSnapshot, type ActionKey } from "./catalog";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./people";
import * as N from "./names";
import { Rng } from "./random";
import { OPEN_STATUSES } from "@/lib/domain/vocabulary";
import { holdoutDraw, inGlobalHoldout } from "@/lib/engine/holdout";
import { MAIN_LINE_SHARE, PRODUCT_LINES } from "./world";

const OPEN_LIST = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(", ")})`;

export const LARGE_DEFAULTS = { seed: 42, customers: 60_000, reps: 60, teams: 6 } as const;
/** The bench rep: owns exactly BENCH_REP_CUSTOMERS customers (every reps-th customer). */
export const BENCH_REP_EMAIL = DEMO_ACCOUNTS.rep.email;
export const BENCH_REP_CUSTOMERS = 1000;
export const LARGE_MIN = { reps: 50, customers: 50_000, events: 1_000_000, feedback: 300_000 } as const;

const HISTORY_DAYS = 182;
const WEEKS = 26;
/** The global holdout of the history: quarterly draws of this share (percent), as ProgramSettings' defaults. */
const GLOBAL_HOLDOUT_PCT = 5;
const TEAMS = ["North", "South", "West", "East", "Central", "Pacific", "Mountain", "Atlantic"] as const;

export interface LargeSeedOptions {
  seed?: number;
  /** Start of the UTC day the data ends at (default: today). */
  today?: Date;
  customers?: number;
  reps?: number;
  teams?: number;
  log?: (line: string) => void;
}

export interface LargeCounts {
  teams: number;
  users: number;
  reps: number;
  customers: number;
  events: number;
  actionTypes: number;
  recommendations: number;
  feedback: number;
  usageEvents: number;
  benchRepCustomers: number;
}

export async function largeCounts(pg: Client): Promise<LargeCounts> {
  const { rows } = await pg.query<LargeCounts>(`
    SELECT (SELECT COUNT(*) FROM "Team")::int AS teams, (SELECT COUNT(*) FROM "User")::int AS users,
           (SELECT COUNT(*) FROM "User" WHERE role = 'REP')::int AS reps, (SELECT COUNT(*) FROM "Customer")::int AS customers,
           (SELECT COUNT(*) FROM "CustomerEvent")::int AS events, (SELECT COUNT(*) FROM "ActionType")::int AS "actionTypes",
           (SELECT COUNT(*) FROM "Recommendation")::int AS recommendations, (SELECT COUNT(*) FROM "Feedback")::int AS feedback,
           (SELECT COUNT(*) FROM "UsageEvent")::int AS "usageEvents",
           (SELECT COUNT(*) FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.email = $1)::int AS "benchRepCustomers"`, [BENCH_REP_EMAIL]);
  return rows[0]!;
}

export function isLarge(c: LargeCounts): boolean {
  return c.reps >= LARGE_MIN.reps && c.customers >= LARGE_MIN.customers && c.events >= LARGE_MIN.events && c.feedback >= LARGE_MIN.feedback;
}

/** How acceptable each action is (the demo's hidden truth), and how often the history picks it. */
const ACTION_MODEL: Record<ActionKey, { accept: number; share: number; reasons: (x: string) => string }> = {
  discount_offer: { accept: 0.2, share: 0.17, reasons: (x) => `jsonb_build_array(jsonb_build_object('code','WEB_VISITS','text', (3 + floor(${x} * 6))::int || ' website visits in the last 7 days'), jsonb_build_object('code','EMAIL_CLICKS','text', (1 + floor(${x} * 4))::int || ' email clicks in the last 30 days'))` },
  book_meeting: { accept: 0.34, share: 0.13, reasons: (x) => `jsonb_build_array(jsonb_build_object('code','NO_RECENT_CONTACT','text','No contact for ' || (30 + floor(${x} * 60))::int || ' days'), jsonb_build_object('code','LIFETIME_VALUE','text','Lifetime value $' || to_char(5000 + floor(${x} * 90000), 'FM999,999')))` },
  birthday_note: { accept: 0.62, share: 0.1, reasons: (x) => `jsonb_build_array(jsonb_build_object('code','BIRTHDAY_SOON','text','Birthday in ' || (1 + floor(${x} * 7))::int || ' days'))` },
  renewal_checkin: { accept: 0.5, share: 0.18, reasons: (x) => `jsonb_build_array(jsonb_build_object('code','RENEWAL_SOON','text','Renewal in ' || (2 + floor(${x} * 58))::int || ' days'), jsonb_build_object('code','LIFETIME_VALUE','text','Lifetime value $' || to_char(2000 + floor(${x} * 120000), 'FM999,999')))` },
  winback_call: { accept: 0.24, share: 0.16, reasons: (x) => `jsonb_build_array(jsonb_build_object('code','NO_RECENT_PURCHASE','text','No purchase for ' || (90 + floor(${x} * 90))::int || ' days'), jsonb_build_object('code','NO_RECENT_ORDERS','text','No orders in the last 90 days'))` },
  cross_sell: { accept: 0.28, share: 0.12, reasons: (x) => `jsonb_build_array(jsonb_build_object('code','RECENT_ORDERS','text', (2 + floor(${x} * 4))::int || ' orders in the last 90 days'), jsonb_build_object('code','SEGMENT','text','Segment ENTERPRISE'))` },
  support_followup: { accept: 0.58, share: 0.14, reasons: (x) => `jsonb_build_array(jsonb_build_object('code','OPEN_TICKETS','text','1 open support ticket'), jsonb_build_object('code','TENURE','text','Customer for ' || (1 + floor(${x} * 3))::int || ' years'))` },
};

/** The customer's main product line (customer number `n`), as a SQL expression. */
const MAIN_LINE = (n: string) => `(${arr(PRODUCT_LINES)})[1 + floor(pg_temp.f(md5('line:' || ${n}), 0) * ${PRODUCT_LINES.length})::int]`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const arr = (xs: readonly (string | number)[]) => `ARRAY[${xs.map((x) => (typeof x === "number" ? String(x) : lit(x))).join(",")}]`;
/** Element of a SQL array literal picked by a uniform u in [0,1). */
const pick = (xs: readonly (string | number)[], u: string) => `(${arr(xs)})[1 + floor(${u} * ${xs.length})::int]`;
/** Uniform k (0-based) from md5 columns h0, h1, ... (four uniforms per md5). */
const U = (k: number, prefix = "h") => `pg_temp.f(${prefix}${Math.floor(k / 4)}, ${k % 4})`;
const md5s = (n: number, key: string, prefix = "h") =>
  Array.from({ length: n }, (_, i) => `md5(${key} || ':${i}') AS ${prefix}${i}`).join(", ");

/** Empties every application table and resets identities (as the demo seed's wipe). */
/** Tables whose triggers keep the dashboard facts (migration 20261124000000_dashboard_facts). */
const FACT_TRIGGER_TABLES = `"CustomerEvent", "Recommendation", "Feedback", "UsageEvent"`;

async function setFactTriggers(pg: Client, on: boolean): Promise<void> {
  for (const table of FACT_TRIGGER_TABLES.split(", ")) await pg.query(`ALTER TABLE ${table} ${on ? "ENABLE" : "DISABLE"} TRIGGER USER`);
}

export async function wipeLarge(pg: Client): Promise<void> {
  await setFactTriggers(pg, true);
  await pg.query(
    `TRUNCATE TABLE "HoldoutAssignment", "HoldoutPeriod", "AuditLog", "ApiKey", "UsageEvent", "Feedback", "Recommendation", "RecommendationDay", "RecommendationModelDay", "ReactionLatency", "UsageSessionStat", "CustomerEvent", "CustomerEventKey", "Customer", "ActionTypeVersion", "ActionType", "User", "Team" RESTART IDENTITY CASCADE`,
  );
}

export async function seedLarge(pg: Client, options: LargeSeedOptions = {}): Promise<{ today: Date; ms: number }> {
  const started = Date.now();
  const seed = options.seed ?? LARGE_DEFAULTS.seed;
  const nCust = options.customers ?? LARGE_DEFAULTS.customers;
  const nReps = options.reps ?? LARGE_DEFAULTS.reps;
  const nTeams = Math.min(options.teams ?? LARGE_DEFAULTS.teams, TEAMS.length);
  const today = new Date(Math.floor((options.today ?? new Date()).getTime() / 86_400_000) * 86_400_000);
  const T = `${lit(today.toISOString())}::timestamp`;
  const H = `(${T} - interval '${HISTORY_DAYS} days')`;
  const S = lit(`nudge-large:${seed}`);
  let lap = started;
  const log = (name: string, extra = "") => {
    const t = Date.now();
    options.log?.(`  ${name.padEnd(34)} ${((t - lap) / 1000).toFixed(1).padStart(6)} s${extra ? `  ${extra}` : ""}`);
    lap = t;
  };
  const q = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rowCount ?? 0;

  await pg.query(`SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'; SET jit = off`);
  // Every month of the history (and a month before it, for what leads into it) gets its partition first, so no row lands in DEFAULT.
  await pg.query(`SELECT nudge_ensure_month_partitions(${H} - interval '1 month', ${T} + interval '3 months')`);
  // Bulk load: the per-statement fact triggers would each recompute whole customers' histories
  // against tables whose statistics still say "empty"; one set-based rebuild at the end is faster.
  await setFactTriggers(pg, false);
  // Uniform in [0,1) from the i-th 8 hex digits of an md5; a uuid from an md5.
  await pg.query(`
    CREATE OR REPLACE FUNCTION pg_temp.f(h text, i int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT (('x' || substr(h, 1 + 8 * i, 8))::bit(32)::bigint)::float8 / 4294967296.0 $$;
    CREATE OR REPLACE FUNCTION pg_temp.uid(t text) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT (substr(md5(t), 1, 12) || '4' || substr(md5(t), 14, 3) || '8' || substr(md5(t), 18, 15))::uuid $$;`);

  // ---- people: teams, admin, managers, reps (one password hash for all) ----
  const rng = new Rng(`nudge-large:${seed}`);
  const salt = `$2b$10$${bcrypt.encodeBase64(rng.fork("salt").bytes(16), 16)}`;
  const passwordHash = await bcrypt.hash(DEMO_PASSWORD, salt);
  log("password hash");
  const people = rng.fork("people");
  const teams = TEAMS.slice(0, nTeams);
  const staffAt = new Date(today.getTime() - (HISTORY_DAYS + 30) * 86_400_000 + 9 * 3_600_000);
  type U = { email: string; name: string; role: "ADMIN" | "MANAGER" | "REP"; team: string | null; adoptDay: number; stoppedDaysAgo: number | null; engagement: number; skill: number };
  const users: U[] = [{ email: DEMO_ACCOUNTS.admin.email, name: DEMO_ACCOUNTS.admin.name, role: "ADMIN", team: null, adoptDay: 0, stoppedDaysAgo: null, engagement: 0.25, skill: 1 }];
  const usedEmails = new Set(users.map((u) => u.email));
  const personName = () => {
    for (;;) {
      const first = people.pick(N.FIRST_NAMES);
      const last = people.pick(N.LAST_NAMES);
      const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "") + "@nudge.test";
      if (!usedEmails.has(email)) {
        usedEmails.add(email);
        return { name: `${first} ${last}`, email };
      }
    }
  };
  teams.forEach((team, i) => {
    const p = i === 0 ? { name: DEMO_ACCOUNTS.manager.name, email: DEMO_ACCOUNTS.manager.email } : personName();
    users.push({ ...p, role: "MANAGER", team, adoptDay: 0, stoppedDaysAgo: null, engagement: people.float(0.4, 0.75), skill: 1 });
  });
  for (let r = 0; r < nReps; r++) {
    const p = r === 0 ? { name: DEMO_ACCOUNTS.rep.name, email: DEMO_ACCOUNTS.rep.email } : personName();
    const late = r !== 0 && people.chance(0.15);
    users.push({
      ...p,
      role: "REP",
      team: teams[Math.floor((r * nTeams) / nReps)]!,
      adoptDay: r === 0 ? 0 : late ? people.int(30, 130) : people.int(0, 10),
      stoppedDaysAgo: r !== 0 && people.chance(0.06) ? people.int(15, 45) : null,
      engagement: r === 0 ? 0.92 : people.float(0.55, 0.95),
      skill: r === 0 ? 1.1 : people.float(0.85, 1.2),
    });
  }
  const uid = (email: string) => `pg_temp.uid(${S} || ':user:' || ${lit(email)})`;
  await q(`INSERT INTO "Team" (id, name, "createdAt") SELECT pg_temp.uid(${S} || ':team:' || t), t, $1::timestamp FROM unnest($2::text[]) t`, [staffAt.toISOString(), teams]);
  await q(
    `INSERT INTO "User" (id, email, name, role, "teamId", "passwordHash", active, "createdAt")
     SELECT pg_temp.uid(${S} || ':user:' || e), e, n, r::"Role", (SELECT id FROM "Team" WHERE name = t), $5, true, $6::timestamp
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(e, n, r, t)`,
    [users.map((u) => u.email), users.map((u) => u.name), users.map((u) => u.role), users.map((u) => u.team), passwordHash, staffAt.toISOString()],
  );
  await q(`UPDATE "Team" t SET "managerId" = u.id FROM "User" u WHERE u.role = 'MANAGER' AND u."teamId" = t.id`);
  const reps = users.filter((u) => u.role === "REP");
  await pg.query(`DROP TABLE IF EXISTS pg_temp.lr; CREATE TEMP TABLE lr (idx int PRIMARY KEY, id uuid, adopt int, stopped int, engagement float8, skill float8)`);
  await q(
    `INSERT INTO lr SELECT i - 1, pg_temp.uid(${S} || ':user:' || e), a, s, g, k FROM unnest($1::text[], $2::int[], $3::int[], $4::float8[], $5::float8[]) WITH ORDINALITY AS x(e, a, s, g, k, i)`,
    [reps.map((u) => u.email), reps.map((u) => u.adoptDay), reps.map((u) => u.stoppedDaysAgo), reps.map((u) => u.engagement), reps.map((u) => u.skill)],
  );

  // ---- catalog (DEMO_CATALOG), its versions and audit rows ----
  const catalogAt = new Date(today.getTime() - (HISTORY_DAYS + 10) * 86_400_000 + 10 * 3_600_000);
  const adminId = uid(DEMO_ACCOUNTS.admin.email);
  for (const e of DEMO_CATALOG) {
    const id = `pg_temp.uid(${S} || ':action:' || ${lit(e.key)})`;
    await q(
      `INSERT INTO "ActionType" (id, key, name, category, description, "messageTemplate", rule, "businessValue", lever, "cooldownDays", "expiresAfterDays",
                                 "controlGroupPct", "priorAlpha", "priorBeta", exploration, active, version, "updatedById", "createdAt", "updatedAt", purpose)
       VALUES (${id}, $1, $2, $3::"ActionCategory", $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, true, 1, ${adminId}, $15::timestamp, $15::timestamp,
               CASE WHEN $3 = 'OFFER' THEN 'MARKETING' ELSE 'SERVICE' END::"ConsentPurpose")`,
      [e.key, e.name, e.category, e.description, e.messageTemplate, JSON.stringify(e.rule), e.businessValue.toFixed(2), e.lever, e.cooldownDays, e.expiresAfterDays,
        e.controlGroupPct, e.priorAlpha, e.priorBeta, e.exploration, catalogAt.toISOString()],
    );
    const snapshot = JSON.stringify(catalogSnapshot(e, 1));
    await q(`INSERT INTO "ActionTypeVersion" (id, "actionTypeId", version, snapshot, "createdAt") VALUES (pg_temp.uid(${S} || ':actionv:' || $1), ${id}, 1, $2::jsonb, $3::timestamp)`, [e.key, snapshot, catalogAt.toISOString()]);
    await q(`INSERT INTO "AuditLog" ("actorId", entity, "entityId", action, after, at) VALUES (${adminId}, 'ActionType', (${id})::text, 'create', $1::jsonb, $2::timestamp)`, [snapshot, catalogAt.toISOString()]);
  }
  // The action model as a table: weighted pick ranges, truth, reasons.
  let cum = 0;
  const actionRows = DEMO_CATALOG.map((e) => {
    const m = ACTION_MODEL[e.key];
    const lo = cum;
    cum += m.share;
    return `(${lit(e.key)}, ${lo}, ${cum}, ${m.accept}, ${e.controlGroupPct}, ${e.expiresAfterDays}, ${e.businessValue}, ${e.lever}, ${e.priorAlpha}, ${e.priorBeta}, ${lit(e.messageTemplate)}, ${lit(e.category)})`;
  });
  await pg.query(`DROP TABLE IF EXISTS pg_temp.la; CREATE TEMP TABLE la AS
    SELECT a.id, v.key, v.lo::float8 AS lo, v.hi::float8 AS hi, v.accept::float8 AS accept, v.pct::float8 AS pct, v.exp_days::int AS exp_days,
           v.value::float8 AS value, v.lever::float8 AS lever, v.pa::float8 AS pa, v.pb::float8 AS pb, v.template, v.category FROM (VALUES ${actionRows.join(", ")}) AS v(key, lo, hi, accept, pct, exp_days, value, lever, pa, pb, template, category)
    JOIN "ActionType" a ON a.key = v.key`);
  await pg.query(`UPDATE la SET hi = 1.0000001 WHERE hi = (SELECT MAX(hi) FROM la)`);
  log(`people and catalog`, `${nTeams} teams, ${users.length} users (${reps.length} reps), ${DEMO_CATALOG.length} action types`);

  // ---- customers ----
  // The bench rep (index 0) owns every nReps-th customer: exactly nCust / nReps.
  const u = (k: number) => U(k);
  await pg.query(`DROP TABLE IF EXISTS pg_temp.lc; CREATE TEMP TABLE lc AS
    WITH base AS (
      SELECT n, ${md5s(7, `${S} || ':cust:' || n`)} FROM generate_series(1, ${nCust}) n
    ), a AS (
      SELECT n, h0, h1, h2, h3, h4, h5, h6,
        CASE WHEN ${u(0)} < 0.65 THEN 'SMB' WHEN ${u(0)} < 0.9 THEN 'MID_MARKET' ELSE 'ENTERPRISE' END AS segment,
        ${pick(N.FIRST_NAMES, u(1))} AS first, ${pick(N.LAST_NAMES, u(2))} AS last,
        ${pick(N.COMPANY_PREFIXES, u(3))} AS prefix,
        CASE WHEN n % ${nReps} = 0 THEN 0 ELSE 1 + floor(${u(4)} * ${nReps - 1})::int END AS owner,
        ${T} - make_interval(days => 1 + floor(${u(5)} * 1095)::int) + make_interval(mins => 480 + floor(${u(6)} * 600)::int) AS created_at
      FROM base
    ), b AS (
      SELECT a.*,
        CASE WHEN segment = 'SMB' THEN (CASE WHEN ${u(7)} < 0.3 THEN ${pick(N.CITIES, u(8))} ELSE prefix END) || ' ' || ${pick(N.COMPANY_NOUNS_SMB, u(9))}
             WHEN segment = 'MID_MARKET' THEN prefix || ' ' || ${pick(N.COMPANY_NOUNS_MID, u(9))}
             ELSE prefix || ' ' || ${pick(N.COMPANY_NOUNS_ENT, u(9))} END AS core,
        CASE WHEN ${u(10)} < 0.15 THEN ${T} - make_interval(days => 60 + floor(${u(11)} * 111)::int) END AS silent_from
      FROM a
    )
    SELECT n, pg_temp.uid(${S} || ':customer:' || n) AS id, 'CRM-' || lpad(n::text, GREATEST(6, length(n::text)), '0') AS external_id,
      first, first || ' ' || last AS name, core || ${pick(N.COMPANY_SUFFIXES, u(12))} AS company,
      regexp_replace(lower(first), '[^a-z0-9]', '', 'g') || '.' || regexp_replace(lower(last), '[^a-z0-9]', '', 'g') || n || '@' || regexp_replace(lower(core), '[^a-z0-9]', '', 'g') || '.example' AS email,
      '+1 ' || ${pick(N.AREA_CODES, u(13))} || '-555-01' || lpad(floor(${u(14)} * 100)::int::text, 2, '0') AS phone,
      segment, owner, created_at, silent_from,
      CASE WHEN ${u(15)} < 0.04 THEN NULL
           WHEN ${u(15)} < 0.075 THEN ((${T})::date + floor(${u(16)} * 8)::int - make_interval(years => 25 + floor(${u(17)} * 42)::int))::date
           ELSE make_date(1955 + floor(${u(16)} * 47)::int, 1, 1) + floor(${u(17)} * 365)::int END AS birthday,
      CASE WHEN ${u(18)} < (CASE segment WHEN 'SMB' THEN 0.45 WHEN 'MID_MARKET' THEN 0.15 ELSE 0.05 END) THEN NULL
           ELSE (${T})::date + 1 + floor(${u(19)} * 365)::int END AS renewal,
      ${u(20)} < 0.015 AS dnc, ${u(21)} < 0.06 AS opt,
      0.4 + 1.2 * ${u(22)} AS activity,
      (${u(23)} < 0.07 AND silent_from IS NULL) AS burst,
      CASE WHEN created_at < ${H}
           THEN (CASE segment WHEN 'SMB' THEN 2500 WHEN 'MID_MARKET' THEN 22000 ELSE 150000 END)
                * exp(0.7 * (${u(24)} + ${u(25)} + ${u(26)} - 1.5) * 2) * LEAST(1, 0.25 + EXTRACT(EPOCH FROM ${H} - created_at) / (2 * 365 * 86400))
           ELSE 0 END AS base_value,
      GREATEST(${H}, created_at) AS ev_start, COALESCE(silent_from, ${T}) AS ev_end
    FROM b`);
  await pg.query(`ALTER TABLE lc ADD PRIMARY KEY (n); ANALYZE lc`);
  const customers = await q(
    `INSERT INTO "Customer" (id, "externalId", name, email, phone, company, segment, birthday, "ownerId", "lifetimeValue", "renewalDate", "createdAt", "updatedAt")
     SELECT lc.id, external_id, name, email, phone, company, segment, birthday, lr.id, 0, renewal, created_at, created_at
     FROM lc JOIN lr ON lr.idx = lc.owner ORDER BY n`,
  );
  // The old flags as consent records (lib/engine/consent.ts; no record: granted).
  await q(
    `INSERT INTO "ConsentRecord" ("customerId", purpose, channel, granted, "recordedAt", source)
     SELECT lc.id, p.purpose::"ConsentPurpose", ch.channel::"ConsentChannel", false, created_at, 'seed'
     FROM lc CROSS JOIN (VALUES ('SERVICE'), ('MARKETING')) p(purpose) CROSS JOIN (VALUES ('EMAIL'), ('PHONE'), ('IN_PERSON')) ch(channel)
     WHERE (p.purpose = 'SERVICE' AND dnc) OR (p.purpose = 'MARKETING' AND (dnc OR opt))`,
  );
  log(`customers`, `${customers.toLocaleString("en-US")} rows`);

  // ---- global holdout: quarterly draws over the history, each customer's arm (lib/engine/holdout.ts) ----
  // Held-out customers get no recommendation while their draw runs (below), so their purchases show the program's uplift.
  const draws = [];
  for (let d = holdoutDraw(new Date(today.getTime() - HISTORY_DAYS * 86_400_000), "QUARTER"); d.startsAt <= today; d = holdoutDraw(d.endsAt, "QUARTER")) draws.push(d);
  const { rows: custRows } = await pg.query<{ id: string; createdAt: Date }>(`SELECT id, "createdAt" FROM "Customer" ORDER BY "externalId"`);
  let heldOut = 0;
  for (const d of draws) {
    const salt = `large:${seed}:${d.key}`;
    const periodId = (await pg.query<{ id: string }>(
      `INSERT INTO "HoldoutPeriod" (id, key, "startsAt", "endsAt", pct, salt, "createdAt") VALUES (pg_temp.uid(${S} || ':draw:' || $1), $1, $2::timestamp, $3::timestamp, $4, $5, $2::timestamp) RETURNING id`,
      [d.key, d.startsAt.toISOString(), d.endsAt.toISOString(), GLOBAL_HOLDOUT_PCT, salt],
    )).rows[0]!.id;
    const members = custRows.filter((c) => c.createdAt < d.endsAt);
    const arms = members.map((c) => inGlobalHoldout(c.id, salt, GLOBAL_HOLDOUT_PCT));
    heldOut += arms.filter(Boolean).length;
    await q(
      `INSERT INTO "HoldoutAssignment" ("periodId", "customerId", "heldOut", "assignedAt")
       SELECT $1::uuid, x.id, x.held, GREATEST($2::timestamp, c."createdAt") FROM unnest($3::uuid[], $4::bool[]) AS x(id, held) JOIN "Customer" c ON c.id = x.id`,
      [periodId, d.startsAt.toISOString(), members.map((c) => c.id), arms],
    );
  }
  await pg.query(`ANALYZE "HoldoutPeriod", "HoldoutAssignment"`);
  log(`global holdout`, `${draws.map((d) => d.key).join(", ")}: ${heldOut.toLocaleString("en-US")} customer-draws held out at ${GLOBAL_HOLDOUT_PCT}%`);

  // ---- events: six months per customer, segment-driven volume, interest bursts, silent customers ----
  const TYPES: [string, number][] = [["PURCHASE", 0.05], ["WEB_VISIT", 0.45], ["EMAIL_CLICK", 0.14], ["SUPPORT_TICKET", 0.05], ["MEETING", 0.04], ["CALL", 0.1], ["EMAIL_SENT", 0.17]];
  let c = 0;
  const typeCase = `CASE ${TYPES.map(([t, p]) => `WHEN ${U(0, "e")} < ${(c += p).toFixed(4)} THEN '${t}'`).join(" ")} ELSE 'EMAIL_SENT' END`;
  const BUSINESS = `('PURCHASE', 'MEETING', 'CALL', 'EMAIL_SENT', 'SUPPORT_TICKET')`;
  const chunk = Math.ceil(nCust / 6);
  let events = 0;
  for (let from = 1; from <= nCust; from += chunk) {
    const to = Math.min(nCust, from + chunk - 1);
    events += await q(`
      WITH per AS (
        SELECT lc.*, floor((CASE segment WHEN 'SMB' THEN 16 WHEN 'MID_MARKET' THEN 27 ELSE 38 END)
                         * EXTRACT(EPOCH FROM ev_end - ev_start) / (${HISTORY_DAYS} * 86400.0) * activity + pg_temp.f(md5(${S} || ':nev:' || n), 0))::int AS n_ev,
               CASE WHEN burst THEN 3 + floor(pg_temp.f(md5(${S} || ':nev:' || n), 1) * 5)::int ELSE 0 END AS n_burst
        FROM lc WHERE n BETWEEN ${from} AND ${to} AND ev_end > ev_start
      ), ev AS (
        SELECT per.n, per.id, per.segment, per.ev_start, per.ev_end, k, k <= n_burst AS is_burst, ${md5s(2, `${S} || ':ev:' || per.n || ':' || k`, "e")}
        FROM per CROSS JOIN LATERAL generate_series(1, n_ev + n_burst) k
      ), typed AS (
        SELECT ev.*, CASE WHEN is_burst THEN (CASE WHEN ${U(1, "e")} < 0.8 THEN 'WEB_VISIT' ELSE 'EMAIL_CLICK' END) ELSE ${typeCase} END AS type,
               CASE WHEN is_burst THEN ${T} - make_interval(secs => 3600 + ${U(2, "e")} * 6.5 * 86400)
                    ELSE ev_start + (ev_end - ev_start) * ${U(2, "e")} END AS raw_at
        FROM ev
      ), timed AS (
        SELECT typed.*, LEAST(${T} - interval '1 minute', CASE WHEN type IN ${BUSINESS}
          THEN date_trunc('day', raw_at) + CASE EXTRACT(DOW FROM raw_at) WHEN 6 THEN interval '-1 day' WHEN 0 THEN interval '1 day' ELSE interval '0' END
               + make_interval(secs => 8 * 3600 + floor(${U(3, "e")} * 36000))
          ELSE raw_at END)::timestamp(3) AS at
        FROM typed
      )
      INSERT INTO "CustomerEvent" ("customerId", type, "occurredAt", amount, "productLine", payload, source, "createdAt")
      SELECT id, type::"EventType", at,
        CASE WHEN type = 'PURCHASE' THEN round(((CASE segment WHEN 'SMB' THEN 350 WHEN 'MID_MARKET' THEN 2800 ELSE 14000 END)
                                              * exp(0.6 * (${U(4, "e")} + ${U(5, "e")} + ${U(6, "e")} - 1.5) * 2))::numeric, 2) END,
        CASE WHEN type = 'PURCHASE' THEN (CASE WHEN ${U(1, "e")} < ${MAIN_LINE_SHARE} THEN ${MAIN_LINE("n")}
                                               ELSE ${pick(PRODUCT_LINES, `(${U(1, "e")} - ${MAIN_LINE_SHARE}) / ${1 - MAIN_LINE_SHARE}`)} END) END,
        CASE type
          WHEN 'PURCHASE' THEN jsonb_build_object('orderId', 'SO-L' || n || '-' || k, 'items', 1 + floor(${U(7, "e")} * 8)::int)
          WHEN 'WEB_VISIT' THEN jsonb_build_object('page', ${pick(N.WEB_PAGES, U(7, "e"))})
          WHEN 'EMAIL_CLICK' THEN jsonb_build_object('campaign', ${pick(N.EMAIL_CAMPAIGNS, U(7, "e"))})
          WHEN 'SUPPORT_TICKET' THEN jsonb_build_object('subject', ${pick(N.TICKET_SUBJECTS, U(7, "e"))},
                                                        'status', CASE WHEN at > ${T} - make_interval(secs => (0.5 + ${U(5, "e")} * 6) * 86400) THEN 'open' ELSE 'closed' END)
          WHEN 'MEETING' THEN jsonb_build_object('title', ${pick(N.MEETING_TITLES, U(7, "e"))})
          WHEN 'CALL' THEN jsonb_build_object('outcome', ${pick(N.CALL_OUTCOMES, U(7, "e"))}, 'durationMin', 2 + floor(${U(6, "e")} * 34)::int)
          ELSE jsonb_build_object('subject', ${pick(N.EMAIL_SUBJECTS, U(7, "e"))}) END,
        'seed', at
      FROM timed ORDER BY n, at`);
    log(`events ${from}-${to}`, `${events.toLocaleString("en-US")} rows so far`);
  }

  // ---- recommendation history: weekly batches, reactions, holdout ----
  // Week w's batch ran at today - 7w days, 06:00 UTC. Only last week's batch can
  // still be open (so the one-open-per-customer-and-action index holds).
  await pg.query(`DROP TABLE IF EXISTS pg_temp.rp; CREATE TEMP TABLE rp AS
    WITH cand0 AS (
      SELECT lc.n, lc.id AS customer_id, lc.segment, lc.first, lc.company, lc.owner, lc.opt, w,
             ${T} - make_interval(days => 7 * w) + interval '6 hours' AS gen_at, ${md5s(4, `${S} || ':rec:' || lc.n || ':' || w`, "r")}
      FROM lc CROSS JOIN generate_series(1, ${WEEKS}) w
      WHERE NOT lc.dnc AND lc.created_at < ${T} - make_interval(days => 7 * w)
    ), cand AS (
      -- The global holdout: no suggestion for a customer held out of the draw in force.
      SELECT cand0.* FROM cand0 WHERE NOT EXISTS (
        SELECT 1 FROM "HoldoutAssignment" ha JOIN "HoldoutPeriod" hp ON hp.id = ha."periodId"
        WHERE ha."customerId" = cand0.customer_id AND ha."heldOut" AND cand0.gen_at >= hp."startsAt" AND cand0.gen_at < hp."endsAt")
    ), chosen AS (
      SELECT cand.*, la.key, la.id AS action_id, la.accept, la.pct, la.exp_days, la.value, la.lever, la.pa, la.pb, la.template,
             lr.id AS rep_id, lr.adopt, lr.stopped, lr.skill
      FROM cand
      -- Consent: a marketing opt-out never gets the offer (its share goes to a meeting).
      JOIN la ON (CASE WHEN ${U(1, "r")} < 0.17 AND opt THEN 0.2 ELSE ${U(1, "r")} END) >= la.lo
             AND (CASE WHEN ${U(1, "r")} < 0.17 AND opt THEN 0.2 ELSE ${U(1, "r")} END) < la.hi
      JOIN lr ON lr.idx = cand.owner
      WHERE ${U(0, "r")} < 0.36 AND NOT (la.key = 'cross_sell' AND cand.segment = 'SMB')
    ), fate AS (
      SELECT chosen.*,
        ${U(2, "r")} < pct / 100.0 AS is_control,
        gen_at + make_interval(days => exp_days) AS exp_at,
        LEAST(0.92, GREATEST(0.02, accept * (CASE segment WHEN 'SMB' THEN 0.95 WHEN 'MID_MARKET' THEN 1.0 ELSE 1.1 END) * skill)) AS p,
        (${U(3, "r")} < 0.88 AND gen_at >= ${H} + make_interval(days => adopt)
          AND (stopped IS NULL OR gen_at < ${T} - make_interval(days => stopped))) AS seen,
        gen_at + make_interval(secs => 7200 + ${U(4, "r")} * 250000) AS shown_at
      FROM chosen
    )
    SELECT fate.*, NOT is_control AND seen AS shown, ${U(5, "r")} AS o, ${U(6, "r")} AS o2, ${U(7, "r")} AS o3, ${U(8, "r")} AS o4,
           ${U(9, "r")} AS o5, ${U(10, "r")} AS o6, ${U(11, "r")} AS o7, ${U(12, "r")} AS o8, ${U(13, "r")} AS o9, ${U(14, "r")} AS o10
    FROM fate`);
  // Outcomes: positive (accept then done, accept only, or done), dismiss, snooze (then maybe done), or left alone.
  await pg.query(`DROP TABLE IF EXISTS pg_temp.ro; CREATE TEMP TABLE ro AS
    WITH k AS (
      SELECT rp.*,
        CASE WHEN NOT shown THEN 'none'
             WHEN o < p THEN (CASE WHEN o2 < 0.65 THEN (CASE WHEN o3 < 0.8 THEN 'accept_done' ELSE 'accept' END) ELSE 'done' END)
             WHEN (o - p) / (1 - p) < 0.55 THEN 'dismiss'
             WHEN (o - p) / (1 - p) < 0.67 THEN (CASE WHEN o3 < 0.5 THEN 'snooze_done' ELSE 'snooze' END)
             ELSE 'none' END AS kind,
        shown_at + make_interval(mins => 1 + floor(o4 * 180)::int) AS t1,
        (date_trunc('day', shown_at) + make_interval(days => 2 + floor(o5 * 6)::int) + interval '8 hours') AS snooze_until
      FROM rp
    )
    SELECT k.*,
      CASE kind WHEN 'accept_done' THEN t1 + make_interval(mins => 10 + floor(o6 * 4000)::int)
                WHEN 'snooze_done' THEN snooze_until + make_interval(mins => 30 + floor(o6 * 270)::int) END AS t2
    FROM k`);
  await pg.query(`ANALYZE ro`);
  // Last week's open suggestions are capped per rep (as the engine's daily cap
  // would have kept them): beyond the rep's 20 best, they were withdrawn.
  const OPEN_PER_REP = 20;
  const recommendations = await q(`
    WITH s AS (
      SELECT ro.*, x.prop, round((x.prop * value * lever * (1 + o7))::numeric, 4)::float8 AS sc,
        CASE
          WHEN kind IN ('done', 'accept_done') THEN 'DONE'
          WHEN kind = 'snooze_done' AND t2 < ${T} THEN 'DONE'
          WHEN kind = 'dismiss' THEN 'DISMISSED'
          WHEN w > 1 THEN 'EXPIRED'
          WHEN kind = 'accept' THEN (CASE WHEN exp_at > ${T} THEN 'ACCEPTED' ELSE 'EXPIRED' END)
          WHEN kind LIKE 'snooze%' THEN (CASE WHEN snooze_until >= ${T} THEN 'SNOOZED' ELSE 'EXPIRED' END)
          WHEN exp_at > ${T} THEN 'PENDING' ELSE 'EXPIRED' END AS st0
      FROM ro, LATERAL (SELECT LEAST(0.95, pa / (pa + pb) * 0.5 + p * 0.5 * (0.85 + 0.3 * o9)) AS prop) x
    ), capped AS (
      SELECT s.*, CASE WHEN st0 IN ${OPEN_LIST} AND NOT is_control
                        AND row_number() OVER (PARTITION BY rep_id, st0 IN ${OPEN_LIST} AND NOT is_control ORDER BY sc DESC, n) > ${OPEN_PER_REP}
                       THEN 'EXPIRED' ELSE st0 END AS st
      FROM s
    )
    INSERT INTO "Recommendation" (id, "customerId", "actionTypeId", "actionTypeVersion", "repId", score, propensity, "expectedValue", message, reasons,
                                  status, "isControl", "modelVersion", "createdAt", "expiresAt", "shownAt", "snoozedUntil", "decidedAt")
    SELECT pg_temp.uid(${S} || ':recommendation:' || n || ':' || w), customer_id, action_id, 1, rep_id,
      sc, round(prop::numeric, 4)::float8, round((prop * value)::numeric, 2)::float8,
      replace(replace(template, '{{firstName}}', first), '{{company}}', company),
      CASE key ${DEMO_CATALOG.map((e) => `WHEN ${lit(e.key)} THEN ${ACTION_MODEL[e.key].reasons("o8")}`).join(" ")} END
        || jsonb_build_array(CASE WHEN w > 20 THEN jsonb_build_object('code', 'STILL_LEARNING', 'text', 'New suggestion — still learning')
                                  ELSE jsonb_build_object('code', 'SIMILAR_ACCEPTED', 'text', 'Similar customers accepted ' || round(prop * 100) || '% of the time') END),
      st::"RecommendationStatus",
      is_control, 'bb-' || to_char(gen_at, 'YYYY-MM-DD') || '-large', gen_at,
      CASE WHEN kind LIKE 'snooze%' THEN GREATEST(exp_at, snooze_until + interval '3 days') ELSE exp_at END,
      CASE WHEN shown THEN shown_at END,
      CASE WHEN kind LIKE 'snooze%' THEN snooze_until END,
      CASE kind WHEN 'done' THEN t1 WHEN 'dismiss' THEN t1 WHEN 'accept' THEN t1 WHEN 'accept_done' THEN t2
                WHEN 'snooze_done' THEN (CASE WHEN t2 < ${T} THEN t2 END) END
    FROM capped
    ORDER BY gen_at, n`);
  log(`recommendations`, `${recommendations.toLocaleString("en-US")} rows`);
  const feedback = await q(`
    INSERT INTO "Feedback" ("recommendationId", "userId", kind, "dismissReason", note, "snoozeUntil", "previousStatus", "createdAt")
    SELECT rid, rep_id, kind::"FeedbackKind", reason::"DismissReason", note, snooze, prev::"RecommendationStatus", at FROM (
      SELECT pg_temp.uid(${S} || ':recommendation:' || n || ':' || w) AS rid, rep_id,
             CASE kind WHEN 'accept' THEN 'ACCEPT' WHEN 'accept_done' THEN 'ACCEPT' WHEN 'done' THEN 'DONE' WHEN 'dismiss' THEN 'DISMISS' ELSE 'SNOOZE' END AS kind,
             CASE WHEN kind = 'dismiss' THEN (CASE WHEN o10 < 0.3 THEN 'NOT_RELEVANT' WHEN o10 < 0.5 THEN 'ALREADY_DONE' WHEN o10 < 0.75 THEN 'BAD_TIMING' WHEN o10 < 0.9 THEN 'CUSTOMER_DECLINED' ELSE 'OTHER' END) END AS reason,
             CASE WHEN kind = 'dismiss' AND o10 >= 0.9 THEN ${pick(["Customer is mid-migration, revisit next quarter", "Handled by their account manager", "Waiting on legal review", "Duplicate of a task already in the CRM", "Spoke to them last week by phone"], "o9")} END AS note,
             CASE WHEN kind LIKE 'snooze%' THEN snooze_until END AS snooze, 'PENDING' AS prev, t1 AS at, n, w
      FROM ro WHERE kind <> 'none'
      UNION ALL
      SELECT pg_temp.uid(${S} || ':recommendation:' || n || ':' || w), rep_id, 'DONE', NULL, NULL, NULL,
             CASE kind WHEN 'accept_done' THEN 'ACCEPTED' ELSE 'SNOOZED' END, t2, n, w
      FROM ro WHERE kind IN ('accept_done', 'snooze_done') AND t2 < ${T}
    ) f ORDER BY at, n, w`);
  log(`feedback`, `${feedback.toLocaleString("en-US")} rows`);

  // Acting on a suggestion leaves a trace (a call, meeting or email) and, now and then, an order: the real uplift.
  const traces = await q(`
    INSERT INTO "CustomerEvent" ("customerId", type, "occurredAt", amount, "productLine", payload, source, "createdAt")
    SELECT customer_id, t::"EventType", at, amt, line, pl, 'seed', at FROM (
      SELECT customer_id, CASE key WHEN 'book_meeting' THEN 'MEETING' WHEN 'winback_call' THEN 'CALL' WHEN 'renewal_checkin' THEN 'CALL' ELSE 'EMAIL_SENT' END AS t,
             (COALESCE(t2, t1) + make_interval(mins => 1 + floor(o4 * 30)::int))::timestamp(3) AS at, NULL::numeric AS amt, NULL::text AS line, jsonb_build_object('via', 'nudge') AS pl
      FROM ro JOIN lc USING (n) WHERE kind IN ('done', 'accept_done', 'accept', 'snooze_done') AND COALESCE(t2, t1) + interval '31 minutes' < COALESCE(lc.silent_from, ${T})
      UNION ALL
      SELECT customer_id, 'PURCHASE', (t1 + make_interval(secs => 21600 + o5 * 12 * 86400))::timestamp(3),
             round(((CASE segment WHEN 'SMB' THEN 350 WHEN 'MID_MARKET' THEN 2800 ELSE 14000 END) * exp(0.6 * (o7 + o8 - 1) * 2.4))::numeric, 2),
             -- A cross-sell suggestion that sells, sells any line; other suggestions mostly the customer's main line.
             CASE WHEN key <> 'cross_sell' AND pg_temp.f(md5(${S} || ':upline:' || n || ':' || w), 0) < ${MAIN_LINE_SHARE} THEN ${MAIN_LINE("n")}
                  ELSE ${pick(PRODUCT_LINES, `pg_temp.f(md5(${S} || ':upline:' || n || ':' || w), 1)`)} END,
             jsonb_build_object('orderId', 'SO-N' || n || '-' || w, 'items', 1 + floor(o6 * 8)::int)
      FROM ro WHERE kind IN ('done', 'accept_done', 'accept', 'snooze_done') AND o10 < 0.09
        AND t1 + make_interval(secs => 21600 + o5 * 12 * 86400) < ${T}
    ) x ORDER BY at`);
  events += traces;
  // Cross-sell and up-sell facts, as the trigger nudge_purchase_facts (disabled for the bulk load) would have set them
  // had every purchase been recorded in time order: against the customer's strictly earlier purchases.
  await q(`
    WITH f AS (
      SELECT id,
        COUNT(*) OVER w AS earlier, MAX(amount) OVER w AS earlier_max,
        COUNT(*) OVER (PARTITION BY "customerId", "productLine" ORDER BY "occurredAt" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS same_line,
        "productLine", amount
      FROM "CustomerEvent" WHERE type = 'PURCHASE'
      WINDOW w AS (PARTITION BY "customerId" ORDER BY "occurredAt" RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP)
    )
    UPDATE "CustomerEvent" e SET "crossSell" = f.earlier > 0 AND f."productLine" IS NOT NULL AND f.same_line = 0,
                                 "upSell" = f.earlier > 0 AND f.amount IS NOT NULL AND f.earlier_max IS NOT NULL AND f.amount > f.earlier_max
    FROM f WHERE e.id = f.id AND (f.earlier > 0)`);
  // Lifetime value: the value before the window plus every purchase in it.
  await q(`UPDATE "Customer" c SET "lifetimeValue" = round((lc.base_value + COALESCE(p.spend, 0))::numeric, 2)
           FROM lc LEFT JOIN (SELECT "customerId", SUM(amount) AS spend FROM "CustomerEvent" WHERE type = 'PURCHASE' GROUP BY "customerId") p ON p."customerId" = lc.id
           WHERE c.id = lc.id`);
  log(`traces, uplift and lifetime value`, `${traces.toLocaleString("en-US")} events added, ${events.toLocaleString("en-US")} in all`);

  // ---- usage: rep sign-ins, queue and customer views, reactions; managers' and the admin's dashboards ----
  await pg.query(`DROP TABLE IF EXISTS pg_temp.books; CREATE TEMP TABLE books AS SELECT owner, array_agg(id ORDER BY n) AS ids FROM lc GROUP BY owner`);
  const usage = await q(`
    WITH days AS (
      SELECT lr.idx, lr.id, d, ${H} + make_interval(days => d) AS day, ${md5s(2, `${S} || ':use:' || lr.idx || ':' || d`, "g")}
      FROM lr CROSS JOIN generate_series(0, ${HISTORY_DAYS - 1}) d
      WHERE EXTRACT(DOW FROM ${H} + make_interval(days => d)) BETWEEN 1 AND 5 AND d >= lr.adopt
        AND (lr.stopped IS NULL OR d < ${HISTORY_DAYS} - lr.stopped)
    ), active AS (
      SELECT days.*, day + make_interval(secs => 7 * 3600 + floor(${U(1, "g")} * 7200)) AS sign_in FROM days JOIN lr USING (idx, id)
      WHERE ${U(0, "g")} < lr.engagement * LEAST(1, 0.45 + 0.55 * (d - lr.adopt) / 30.0)
    )
    INSERT INTO "UsageEvent" ("userId", type, at, meta)
    SELECT id, 'SIGN_IN'::"UsageEventType", sign_in, '{"method":"password"}'::jsonb FROM active
    UNION ALL
    SELECT id, 'QUEUE_VIEW'::"UsageEventType", CASE WHEN k = 1 THEN sign_in + make_interval(mins => 1 + floor(${U(3, "g")} * 5)::int)
                                  ELSE day + make_interval(secs => 9 * 3600 + floor(pg_temp.f(md5(g0 || k), 0) * 32400)) END, NULL
    FROM active CROSS JOIN LATERAL generate_series(1, 1 + floor(${U(2, "g")} * 4)::int) k
    UNION ALL
    SELECT id, 'CUSTOMER_VIEW'::"UsageEventType", day + make_interval(secs => 9 * 3600 + floor(pg_temp.f(md5(g1 || k), 0) * 32400)),
           jsonb_build_object('customerId', books.ids[1 + floor(pg_temp.f(md5(g1 || k), 1) * cardinality(books.ids))::int])
    FROM active JOIN books ON books.owner = active.idx CROSS JOIN LATERAL generate_series(1, 1 + floor(${U(4, "g")} * 8)::int) k
    UNION ALL
    SELECT "userId", 'REACTION'::"UsageEventType", "createdAt", jsonb_build_object('recommendationId', "recommendationId", 'kind', kind) FROM "Feedback"
    UNION ALL
    SELECT u.id, 'SIGN_IN'::"UsageEventType", ${H} + make_interval(days => d, secs => 7 * 3600 + floor(pg_temp.f(md5(u.email || d), 0) * 10800)), '{"method":"password"}'::jsonb
    FROM "User" u CROSS JOIN generate_series(0, ${HISTORY_DAYS - 1}) d
    WHERE u.role IN ('MANAGER', 'ADMIN') AND EXTRACT(DOW FROM ${H} + make_interval(days => d)) BETWEEN 1 AND 5
      AND pg_temp.f(md5(u.email || d), 1) < CASE WHEN u.role = 'ADMIN' THEN 0.25 ELSE 0.6 END
    UNION ALL
    SELECT u.id, 'DASHBOARD_VIEW'::"UsageEventType", ${H} + make_interval(days => d, secs => 10 * 3600 + floor(pg_temp.f(md5(u.email || d || k), 0) * 25200)),
           jsonb_build_object('dashboard', (ARRAY['adoption', 'conversion', 'model'])[1 + floor(pg_temp.f(md5(u.email || d || k), 1) * 3)::int])
    FROM "User" u CROSS JOIN generate_series(0, ${HISTORY_DAYS - 1}) d CROSS JOIN LATERAL generate_series(1, 1 + floor(pg_temp.f(md5(u.email || d), 2) * 3)::int) k
    WHERE u.role IN ('MANAGER', 'ADMIN') AND EXTRACT(DOW FROM ${H} + make_interval(days => d)) BETWEEN 1 AND 5
      AND pg_temp.f(md5(u.email || d), 1) < CASE WHEN u.role = 'ADMIN' THEN 0.12 ELSE 0.6 END`);
  log(`usage events`, `${usage.toLocaleString("en-US")} rows`);

  await finishLarge(pg, log);
  await pg.query(`DROP TABLE IF EXISTS pg_temp.lc, pg_temp.lr, pg_temp.la, pg_temp.rp, pg_temp.ro, pg_temp.books`);
  return { today, ms: Date.now() - started };
}

/** The rollups a bulk load written with the fact triggers off rebuilds, in this order (each from scratch). */
const REBUILDS = [
  "nudge_rebuild_dashboard_facts",
  "nudge_rebuild_recommendation_days",
  "nudge_rebuild_recommendation_model_days",
  "nudge_rebuild_reaction_latency_days",
  "nudge_rebuild_usage_sessions",
  "nudge_rebuild_usage_session_stats",
  "nudge_rebuild_holdout_unit_days",
  "nudge_rebuild_customer_signals",
] as const;

/**
 * The end of a bulk load: every rollup rebuilt from the rows written with the
 * fact triggers off, the triggers on again, VACUUM ANALYZE (visibility map for
 * index-only scans, statistics). The last step of seedLarge, and on its own
 * `seed:large -- --finish`, for a seed stopped after its data was written
 * (every step starts from scratch, so running it again is harmless).
 */
export async function finishLarge(pg: Client, log: (name: string, extra?: string) => void): Promise<void> {
  await pg.query(`SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'; SET jit = off`);
  await setFactTriggers(pg, false);
  await pg.query(`ANALYZE`);
  log(`analyze`);
  for (const fn of REBUILDS) {
    await pg.query(`SELECT ${fn}()`);
    log(fn.replace("nudge_rebuild_", "rebuild "));
  }
  await setFactTriggers(pg, true);
  await pg.query(`VACUUM ANALYZE`);
  log(`vacuum analyze`);
}
