// The API probe (issue 11): property-based fuzzing of every /api/v1 route with
// fast-check, and a burst of concurrent reactions with duplicate keys and
// conflicting reactions on one suggestion, each followed by a check of the
// database. Used in a short form by tests/integration/probe.test.ts (npm test)
// and in full by scripts/probe.ts (npm run probe).
//
// Route handlers are called in-process, the way Next.js calls them: a Request,
// and path parameters decoded once by the router (a segment the router cannot
// decode is answered 400 by Next.js before the handler runs).
//
// Asserted for every body: status < 500; a 4xx carries the error JSON
// { error: { code, message, details? } }; a 429/503 carries Retry-After; a 200
// batch answers one result per item. Afterwards: rejected items wrote nothing
// (row counts move by exactly the accepted items), every accepted customer and
// keyed event is in the database exactly once, and each suggestion's state is
// the replay of its recorded reactions.
import fc from "fast-check";
import { db } from "@/lib/data/db";
import { createApiKey } from "@/lib/data/api-keys";
import { keepsDecisionTime, REACTION_KINDS, REACTION_TARGET, type RecommendationStatus } from "@/lib/domain/vocabulary";
import { DISMISS_REASONS } from "@/lib/validation/feedback";
import { EVENT_TYPES } from "@/lib/validation/api";

type Handler<C> = (req: Request, ctx: C) => Promise<Response>;
interface Routes {
  customers: Handler<{ params: Promise<object> }>;
  events: Handler<{ params: Promise<object> }>;
  recommendations: Handler<{ params: Promise<{ externalId: string }> }>;
  feedback: Handler<{ params: Promise<{ id: string }> }>;
  eventJob: Handler<{ params: Promise<{ id: string }> }>;
  openapi: (req: Request) => Response | Promise<Response>;
}

async function loadRoutes(): Promise<Routes> {
  return {
    customers: (await import("@/app/api/v1/customers/route")).POST,
    events: (await import("@/app/api/v1/events/route")).POST,
    recommendations: (await import("@/app/api/v1/customers/[externalId]/recommendations/route")).GET,
    feedback: (await import("@/app/api/v1/recommendations/[id]/feedback/route")).POST,
    eventJob: (await import("@/app/api/v1/events/jobs/[id]/route")).GET,
    openapi: (await import("@/app/api/v1/openapi.json/route")).GET,
  };
}

export interface ProbeWorld {
  key: string;
  repEmail: string;
  repId: string;
  externalIds: string[];
  recIds: string[];
  routes: Routes;
}

const DAY = 86_400_000;

/** A rep with customers, an action type and open recommendations, and an API key with every scope. */
export async function probeWorld(tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, recs = 30): Promise<ProbeWorld> {
  const rep = await db().user.create({ data: { email: `probe-${tag}@probe.test`, name: "Probe Rep", role: "REP", passwordHash: "x" } });
  const action = await db().actionType.create({
    data: { key: `probe_${tag}`, name: "Probe", category: "GROWTH", description: "", messageTemplate: "Call", rule: { signal: "tenureDays", op: "gte", value: 100_000 }, businessValue: 10, controlGroupPct: 0 },
  });
  const externalIds = Array.from({ length: 5 }, (_, i) => `PROBE-${tag}-${i}`);
  const customers = await Promise.all(externalIds.map((externalId) => db().customer.create({ data: { externalId, name: externalId, segment: "SMB", ownerId: rep.id } })));
  const recIds: string[] = [];
  for (let i = 0; i < recs; i++) {
    const c = customers[i % customers.length]!;
    const r = await db().recommendation.create({
      data: {
        customerId: c.id,
        actionTypeId: action.id,
        actionTypeVersion: 1,
        repId: rep.id,
        score: 1,
        propensity: 0.3,
        expectedValue: 3,
        message: "Call",
        reasons: [],
        modelVersion: "probe",
        // Closed ones do not hold the one-open-per-customer-and-action index.
        status: i < customers.length ? "PENDING" : "DONE",
        expiresAt: new Date(Date.now() + 7 * DAY),
      },
    });
    recIds.push(r.id);
  }
  // The probe's recommendations are reopened one by one (a closed status keeps the partial unique index happy).
  // A budget no probe reaches: the probe measures validation and load, not the per-key rate limit.
  const key = (await createApiKey(`probe ${tag}`, undefined, null, 1_000_000)).key;
  return { key, repEmail: rep.email, repId: rep.id, externalIds, recIds, routes: await loadRoutes() };
}

// ---------- generators ----------

const NASTY = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udc00",
  "\udbff\udfff",
  "😀",
  "\u202e\u0007",
  "\t\n\r",
  "%00",
  "%25",
  "%",
  "0x10",
  "1e309",
  "-0",
  "NaN",
  "Infinity",
  "null",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "Robert'); DROP TABLE \"Customer\";--",
  "${7*7}",
  "<script>alert(1)</script>",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "+275760-09-13T00:00:00Z",
  "-000001-01-01T00:00:00Z",
  "2026-02-30",
  "2026-11-23T25:61:61Z",
];

const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 101, max: 70_000 }).map((n) => "x".repeat(n)) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom("\u0000", "\ud83d", "\udc00")).map(([a, b]) => a + b) },
);

const extremeNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.001, 10.005, 1e11, 999_999_999_999.99, 1e12, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const isoish = fc.oneof(
  fc.date({ min: new Date("1900-01-02T00:00:00Z"), max: new Date("2099-12-30T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: 0, max: 9999 }).map((y) => `${String(y).padStart(4, "0")}-01-01T00:00:00Z`),
  fc.constantFrom("0000-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2100-12-31T23:59:59.999Z", "2101-01-01T00:00:00Z", "2026-11-23T10:00:00+14:00", "2026-11-23", "yesterday"),
);

/** Anything at all, in the place of a field: a wrong type, a nasty string, an extreme number, a deep or large structure. */
const wrong = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: extremeNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 2], { a: 1 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

/** Either a sensible value or a wrong one; undefined leaves the field out. */
const field = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: wrong }, { weight: 1, arbitrary: fc.constant(undefined) });

function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { d: v };
  return v;
}
const payload = fc.oneof(
  fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("\u0000", "k\ud800", "__proto__")), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }),
  fc.integer({ min: 8, max: 14 }).map((n) => deep(n) as Record<string, unknown>),
  fc.constant({ big: "y".repeat(17_000) }),
  fc.constant({ s: "a\u0000" }),
  fc.constant({ ["\udc00"]: "lone key" }),
  wrong,
);

const withExtras = <T extends object>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, fc.option(fc.dictionary(fc.string({ maxLength: 6 }), wrong, { maxKeys: 3 }), { nil: undefined })).map(([o, extra]) => (extra ? { ...extra, ...o } : o));

const drop = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function customerItem(w: ProbeWorld) {
  const externalId = fc.oneof(
    { weight: 3, arbitrary: fc.uuid().map((u) => `PRB-${u}`) },
    { weight: 1, arbitrary: fc.constantFrom(...w.externalIds) },
    { weight: 2, arbitrary: wrong },
  );
  const rec = fc.record({
    externalId,
    name: field(fc.string({ minLength: 1, maxLength: 40 })),
    email: field(fc.emailAddress()),
    phone: field(fc.string({ maxLength: 20 })),
    company: field(fc.string({ maxLength: 40 })),
    segment: field(fc.constantFrom("SMB", "MID_MARKET", "ENTERPRISE")),
    birthday: field(fc.oneof(fc.constantFrom("1990-02-14", "0000-01-01", "2026-02-29", "1899-12-31", "2100-12-31"), isoish)),
    renewalDate: field(fc.constantFrom("2027-01-01", "9999-12-31", "2026-13-01")),
    lifetimeValue: field(fc.oneof(extremeNumber, fc.constantFrom("12.50", "0x10", "1e3", " 5", "999999999999.99", "1000000000000"))),
    ownerEmail: fc.oneof({ weight: 4, arbitrary: fc.constant(w.repEmail) }, { weight: 1, arbitrary: fc.constant(w.repEmail.toUpperCase()) }, { weight: 1, arbitrary: wrong }),
    doNotContact: field(fc.boolean()),
    marketingOptOut: field(fc.boolean()),
  });
  return fc.oneof({ weight: 8, arbitrary: withExtras(rec.map(drop)) }, { weight: 1, arbitrary: wrong });
}

function eventItem(w: ProbeWorld) {
  const rec = fc.record({
    customerExternalId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...w.externalIds) }, { weight: 1, arbitrary: wrong }),
    type: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...EVENT_TYPES) }, { weight: 1, arbitrary: wrong }),
    occurredAt: fc.oneof({ weight: 2, arbitrary: isoish }, { weight: 1, arbitrary: wrong }),
    amount: field(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom("12.50", "0x10", 1e12, 10.001))),
    payload: fc.option(payload, { nil: undefined }),
    source: field(fc.string({ maxLength: 20 })),
    idempotencyKey: field(fc.oneof(fc.uuid(), fc.constantFrom("probe-dup-1", "probe-dup-2", "probe-dup-3"))),
  });
  return fc.oneof({ weight: 8, arbitrary: withExtras(rec.map(drop)) }, { weight: 1, arbitrary: wrong });
}

export type ProbeBody =
  | { kind: "json"; value: unknown; contentType?: string }
  | { kind: "raw"; text: string | Uint8Array; contentType?: string };

const rawBodies: fc.Arbitrary<ProbeBody> = fc.oneof(
  fc.constantFrom<ProbeBody>(
    { kind: "raw", text: "" },
    { kind: "raw", text: "   " },
    { kind: "raw", text: "{" },
    { kind: "raw", text: "{'a': 1}" },
    { kind: "raw", text: "[".repeat(50_000) + "]".repeat(50_000) },
    { kind: "raw", text: '{"events": [' + '{"d":'.repeat(10_000) + "1" + "}".repeat(10_000) + "]}" },
    { kind: "raw", text: '{"customers": [' + '{"d":'.repeat(10_000) + "1" + "}".repeat(10_000) + "]}" },
    { kind: "raw", text: '{"customers": [{"externalId":' + '{"d":'.repeat(200_000) + "1" + "}".repeat(200_000) + "}]}" },
    { kind: "raw", text: '{"events": [{"payload":' + '{"d":'.repeat(200_000) + "1" + "}".repeat(200_000) + "}]}" },
    { kind: "raw", text: new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]) },
    { kind: "raw", text: new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]) },
    { kind: "raw", text: "\u0000" },
    { kind: "raw", text: '{"a":"\\u0000"}' },
    { kind: "raw", text: '{"a":"\\ud800"}' },
    { kind: "json", value: {}, contentType: "text/plain" },
    { kind: "json", value: {}, contentType: "application/x-www-form-urlencoded" },
    { kind: "json", value: {}, contentType: "multipart/form-data; boundary=x" },
    { kind: "json", value: {}, contentType: "application/vnd.api+json" },
  ),
  fc.string({ maxLength: 40 }).map((text): ProbeBody => ({ kind: "raw", text })),
  fc.uint8Array({ maxLength: 40 }).map((text): ProbeBody => ({ kind: "raw", text })),
  fc.constant<ProbeBody>({ kind: "raw", text: "x".repeat(11 * 1024 * 1024) }),
);

/** A body for a batch route: the envelope right with items of every kind, or the envelope itself wrong. */
function batchBody(key: "customers" | "events", item: fc.Arbitrary<unknown>): fc.Arbitrary<ProbeBody> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.array(item, { minLength: 1, maxLength: 8 }).map((items): ProbeBody => ({ kind: "json", value: { [key]: items } })) },
    { weight: 1, arbitrary: fc.constant<ProbeBody>({ kind: "json", value: { [key]: Array.from({ length: 1001 }, () => ({})) } }) },
    { weight: 2, arbitrary: wrong.map((v): ProbeBody => ({ kind: "json", value: v })) },
    { weight: 1, arbitrary: fc.array(item, { maxLength: 3 }).map((items): ProbeBody => ({ kind: "json", value: items })) },
    { weight: 1, arbitrary: wrong.map((v): ProbeBody => ({ kind: "json", value: { [key]: v } })) },
    { weight: 1, arbitrary: fc.constantFrom("customer", "event", "items", "Events").map((k): ProbeBody => ({ kind: "json", value: { [k]: [] } })) },
    { weight: 2, arbitrary: rawBodies },
  );
}

function feedbackBody(w: ProbeWorld): fc.Arbitrary<ProbeBody> {
  const future = fc.integer({ min: 1, max: 120 }).map((d) => new Date(Date.now() + d * DAY).toISOString());
  const rec = fc.record({
    kind: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...REACTION_KINDS) }, { weight: 1, arbitrary: wrong }),
    actorEmail: fc.oneof({ weight: 4, arbitrary: fc.constant(w.repEmail) }, { weight: 1, arbitrary: wrong }),
    reason: field(fc.constantFrom(...DISMISS_REASONS)),
    note: field(fc.string({ maxLength: 40 })),
    snoozeUntil: field(fc.oneof({ weight: 4, arbitrary: future }, { weight: 1, arbitrary: isoish })),
    idempotencyKey: field(fc.oneof(fc.uuid(), fc.constantFrom("probe-fb-key-1", "probe-fb-key-2"))),
  });
  return fc.oneof(
    { weight: 8, arbitrary: withExtras(rec.map(drop)).map((value): ProbeBody => ({ kind: "json", value })) },
    { weight: 1, arbitrary: wrong.map((value): ProbeBody => ({ kind: "json", value })) },
    { weight: 1, arbitrary: rawBodies },
  );
}

/** A path segment as a client would send it (percent-encoded or raw). */
const pathSegment = (valid: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...valid).map(encodeURIComponent) },
    nastyString.map((s) => {
      try {
        return encodeURIComponent(s);
      } catch {
        return "%ED%A0%80"; // a lone surrogate cannot be encoded; its UTF-8 bytes do not decode either
      }
    }),
    fc.constantFrom("%", "%25", "%2525", "%ZZ", "%00", "a%0Ab", "%2F..%2F", "..", "%ED%A0%80", "%C0%80", "x".repeat(5000)),
    fc.uuid(),
  );

// ---------- running and checking ----------

export interface RouteStats {
  route: string;
  bodies: number;
  byStatus: Record<number, number>;
  failures: string[];
  ms?: number;
}

export interface FuzzReport {
  routes: RouteStats[];
  bodies: number;
  over500: number;
  /** Rows written beyond what was accepted (must be 0). */
  strayRows: number;
  failures: string[];
}

function request(url: string, body: ProbeBody | null, key: string, method = "POST", extra: Record<string, string> = {}): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...extra };
  if (!body) return new Request(`http://probe${url}`, { method, headers });
  headers["content-type"] = body.contentType ?? "application/json";
  const payload = body.kind === "json" ? (JSON.stringify(body.value) ?? "null") : body.text;
  return new Request(`http://probe${url}`, { method, headers, body: payload as BodyInit });
}

const isErrorJson = (j: unknown): boolean => {
  const e = (j as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (!e || typeof e.code !== "string" || typeof e.message !== "string") return false;
  if (e.details === undefined) return true;
  return Array.isArray(e.details) && e.details.every((d) => typeof d === "object" && d !== null && typeof (d as { path?: unknown }).path === "string" && typeof (d as { message?: unknown }).message === "string");
};

/** Checks one answer; returns the parsed JSON (or null) and records any broken promise. */
async function check(stats: RouteStats, res: Response, what: () => string): Promise<unknown> {
  stats.bodies++;
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  const fail = (m: string) => stats.failures.length < 20 && stats.failures.push(`${stats.route} ${res.status}: ${m} — ${what().slice(0, 300)}`);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    fail(`body is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (res.status >= 500 && res.status !== 503) fail("5xx");
  if (res.status >= 400 && !isErrorJson(json)) fail(`not the error JSON: ${text.slice(0, 120)}`);
  if ((res.status === 429 || res.status === 503) && !res.headers.get("retry-after")) fail("no Retry-After");
  return json;
}

const describeBody = (b: ProbeBody) => {
  if (b.kind === "raw") return typeof b.text === "string" ? `raw ${JSON.stringify(b.text.slice(0, 200))}` : `bytes ${[...b.text.slice(0, 20)].join(",")}`;
  try {
    return `${b.contentType ?? "json"} ${JSON.stringify(b.value)?.slice(0, 200)}`;
  } catch {
    return "json (unprintable)";
  }
};

/** Fuzzes every /api/v1 route with `perRoute` generated bodies each (serially, so row counts can be checked). */
export async function fuzzRoutes(w: ProbeWorld, opts: { perRoute: number; seed: number }): Promise<FuzzReport> {
  const all: RouteStats[] = [];
  let t = Date.now();
  const stats = (route: string) => {
    const now = Date.now();
    if (all.length) all[all.length - 1]!.ms = now - t;
    t = now;
    const s: RouteStats = { route, bodies: 0, byStatus: {}, failures: [] };
    all.push(s);
    return s;
  };
  let strayRows = 0;
  const noCtx = { params: Promise.resolve({}) };
  const run = { numRuns: opts.perRoute, seed: opts.seed, endOnFailure: true };

  // POST /api/v1/customers: the customer count moves by exactly the created items; every accepted externalId is there once.
  {
    const s = stats("POST /api/v1/customers");
    const before = await db().customer.count();
    let created = 0;
    const accepted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(batchBody("customers", customerItem(w)), async (body) => {
        const json = (await check(s, await w.routes.customers(request("/api/v1/customers", body, w.key), noCtx), () => describeBody(body))) as { results?: { status: string; externalId: string }[] } | null;
        if (json?.results) {
          const items = body.kind === "json" ? ((body.value as { customers: unknown[] }).customers ?? []) : null;
          if (items && json.results.length !== items.length) s.failures.push(`results ${json.results.length} for ${items.length} items`);
          for (const r of json.results) {
            if (r.status === "created") created++;
            if (r.status === "created" || r.status === "updated") accepted.add(r.externalId);
          }
        }
      }),
      run,
    );
    const after = await db().customer.count();
    strayRows += Math.abs(after - before - created);
    if (after - before !== created) s.failures.push(`customers: ${after - before} rows written, ${created} created`);
    const found = await db().customer.count({ where: { externalId: { in: [...accepted] } } });
    if (found !== accepted.size) s.failures.push(`customers: ${accepted.size} accepted, ${found} in the database`);
  }

  // POST /api/v1/events: the event count moves by exactly the recorded items; every recorded key is there once.
  {
    const s = stats("POST /api/v1/events");
    const before = await db().customerEvent.count();
    let recorded = 0;
    const keys = new Set<string>();
    await fc.assert(
      fc.asyncProperty(batchBody("events", eventItem(w)), async (body) => {
        const json = (await check(s, await w.routes.events(request("/api/v1/events", body, w.key), noCtx), () => describeBody(body))) as { results?: { status: string; index: number }[] } | null;
        if (json?.results) {
          const items = body.kind === "json" ? ((body.value as { events: unknown[] }).events ?? []) : null;
          if (items && json.results.length !== items.length) s.failures.push(`results ${json.results.length} for ${items.length} items`);
          for (const r of json.results) {
            if (r.status !== "recorded") continue;
            recorded++;
            const k = (items?.[r.index] as { idempotencyKey?: unknown } | undefined)?.idempotencyKey;
            if (typeof k === "string") keys.add(k.trim());
          }
        }
      }),
      run,
    );
    const after = await db().customerEvent.count();
    strayRows += Math.abs(after - before - recorded);
    if (after - before !== recorded) s.failures.push(`events: ${after - before} rows written, ${recorded} recorded`);
    const found = await db().customerEvent.count({ where: { idempotencyKey: { in: [...keys] } } });
    if (found !== keys.size) s.failures.push(`events: ${keys.size} recorded keys, ${found} in the database`);
  }

  // POST /api/v1/events with `Prefer: respond-async`: a 202 names its job and writes no event (a worker records it later);
  // then GET /api/v1/events/jobs/{id} with those job ids and path ids of every kind: the queuing key sees its jobs, another key none.
  {
    const s = stats("POST /api/v1/events (Prefer: respond-async)");
    const before = await db().customerEvent.count();
    const jobIds: string[] = [];
    await fc.assert(
      fc.asyncProperty(batchBody("events", eventItem(w)), async (body) => {
        const res = await w.routes.events(request("/api/v1/events", body, w.key, "POST", { prefer: "respond-async" }), noCtx);
        const json = (await check(s, res, () => describeBody(body))) as { jobId?: unknown; statusUrl?: unknown } | null;
        if (res.status === 202) {
          if (typeof json?.jobId !== "string" || json.statusUrl !== `/api/v1/events/jobs/${json.jobId}` || res.headers.get("location") !== json.statusUrl) s.failures.push(`202 without its job: ${JSON.stringify(json)?.slice(0, 200)}`);
          else jobIds.push(json.jobId);
        }
      }),
      { ...run, numRuns: Math.min(200, opts.perRoute) },
    );
    const written = (await db().customerEvent.count()) - before;
    strayRows += Math.abs(written);
    if (written !== 0) s.failures.push(`events: ${written} rows written by queued batches no worker took`);
    if (jobIds.length === 0) s.failures.push("no batch was queued: the 202 path was not exercised");

    const j = stats("GET /api/v1/events/jobs/{id}");
    const other = (await createApiKey(`probe other ${Date.now()}`, ["events:write"])).key;
    await fc.assert(
      fc.asyncProperty(pathSegment(jobIds.length ? jobIds : ["none"]), fc.boolean(), async (segment, asOther) => {
        let id: string;
        try {
          id = decodeURIComponent(segment);
        } catch {
          j.bodies++;
          j.byStatus[400] = (j.byStatus[400] ?? 0) + 1;
          return;
        }
        const res = await w.routes.eventJob(request(`/api/v1/events/jobs/${segment}`, null, asOther ? other : w.key, "GET"), { params: Promise.resolve({ id }) });
        await check(j, res, () => `${asOther ? "other key" : "queuing key"} ${segment.slice(0, 100)}`);
        const own = jobIds.includes(id);
        if (own && !asOther && res.status !== 200) j.failures.push(`own job ${id}: ${res.status}`);
        if (asOther && res.status === 200) j.failures.push(`another key read job ${id}`);
        if (!own && res.status === 200) j.failures.push(`no such job, yet 200: ${segment.slice(0, 100)}`);
      }),
      run,
    );
  }

  // GET /api/v1/customers/{externalId}/recommendations: path ids of every kind, decoded once as the router does.
  {
    const s = stats("GET /api/v1/customers/{externalId}/recommendations");
    await fc.assert(
      fc.asyncProperty(pathSegment(w.externalIds), async (segment) => {
        let decoded: string;
        try {
          decoded = decodeURIComponent(segment);
        } catch {
          s.bodies++;
          s.byStatus[400] = (s.byStatus[400] ?? 0) + 1; // Next.js answers 400 before the handler
          return;
        }
        const res = await w.routes.recommendations(request(`/api/v1/customers/${segment}/recommendations`, null, w.key, "GET"), { params: Promise.resolve({ externalId: decoded }) });
        await check(s, res, () => `segment ${segment.slice(0, 100)}`);
      }),
      run,
    );
  }

  // POST /api/v1/recommendations/{id}/feedback: a 4xx writes no Feedback row, a 200 at most one.
  {
    const s = stats("POST /api/v1/recommendations/{id}/feedback");
    await fc.assert(
      fc.asyncProperty(pathSegment(w.recIds), feedbackBody(w), async (segment, body) => {
        let id: string;
        try {
          id = decodeURIComponent(segment);
        } catch {
          s.bodies++;
          s.byStatus[400] = (s.byStatus[400] ?? 0) + 1;
          return;
        }
        const before = await db().feedback.count();
        const res = await w.routes.feedback(request(`/api/v1/recommendations/${segment}/feedback`, body, w.key), { params: Promise.resolve({ id }) });
        await check(s, res, () => `${segment.slice(0, 60)} ${describeBody(body)}`);
        const delta = (await db().feedback.count()) - before;
        if ((res.status >= 400 && delta !== 0) || delta > 1 || delta < 0) {
          strayRows += Math.abs(delta);
          s.failures.push(`feedback: ${res.status} wrote ${delta} rows — ${describeBody(body)}`);
        }
      }),
      run,
    );
  }

  // GET /api/v1/openapi.json (no input but the URL).
  {
    const s = stats("GET /api/v1/openapi.json");
    await fc.assert(
      fc.asyncProperty(fc.webQueryParameters(), async (q) => {
        await check(s, await w.routes.openapi(new Request(`http://probe/api/v1/openapi.json?${q}`)), () => q);
      }),
      { ...run, numRuns: Math.min(50, opts.perRoute) },
    );
  }

  all[all.length - 1]!.ms = Date.now() - t;
  const failures = all.flatMap((r) => r.failures);
  return {
    routes: all,
    bodies: all.reduce((n, r) => n + r.bodies, 0),
    over500: all.reduce((n, r) => n + Object.entries(r.byStatus).filter(([st]) => Number(st) >= 500).reduce((m, [, c]) => m + c, 0), 0),
    strayRows,
    failures,
  };
}

// ---------- the reaction burst ----------

export interface BurstReport {
  requests: number;
  /** Final answers, after retrying 429/503 as Retry-After says. */
  byStatus: Record<number, number>;
  /** Every answer, retries included. */
  attempts: Record<number, number>;
  over500: number;
  failures: string[];
}

interface RecState {
  status: RecommendationStatus;
  snoozedUntil: Date | null;
  decidedAt: Date | null;
  expiresAt: Date;
}

/**
 * `n` reactions fired at once through the feedback route: most on one "hot"
 * suggestion, with keys from a small pool (duplicates, some with a different
 * body), every kind including undo. Then: no 500, Retry-After on every
 * 429/503, each key in the database at most once and only if answered 200
 * with that key's stored status, and each suggestion's state equal to the
 * replay of its recorded reactions.
 */
export async function reactionBurst(w: ProbeWorld, opts: { n: number; seed: number; maxRetryWaitMs?: number }): Promise<BurstReport> {
  // Fresh open suggestions (one per new customer: the one-open-per-customer-and-action index).
  const action = await db().actionType.findFirstOrThrow({ where: { key: { startsWith: "probe_" } }, orderBy: { createdAt: "desc" } });
  const recs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const c = await db().customer.create({ data: { externalId: `BURST-${opts.seed}-${Date.now().toString(36)}-${i}`, name: "Burst", segment: "SMB", ownerId: w.repId } });
    const r = await db().recommendation.create({
      data: { customerId: c.id, actionTypeId: action.id, actionTypeVersion: 1, repId: w.repId, score: 1, propensity: 0.3, expectedValue: 3, message: "Call", reasons: [], modelVersion: "probe", expiresAt: new Date(Date.now() + 7 * DAY) },
    });
    recs.push(r.id);
  }
  const initial = new Map<string, RecState>();
  for (const id of recs) {
    const r = await db().recommendation.findUniqueOrThrow({ where: { id }, select: { status: true, snoozedUntil: true, decidedAt: true, expiresAt: true } });
    initial.set(id, r);
  }
  const firstFeedbackId = (await db().feedback.aggregate({ _max: { id: true } }))._max.id ?? 0;
  const keyPool = Array.from({ length: Math.max(10, opts.n) }, (_, i) => `burst-${opts.seed}-${i}`);
  const reaction = fc.record({
    rec: fc.oneof({ weight: 3, arbitrary: fc.constant(recs[0]!) }, { weight: 2, arbitrary: fc.constantFrom(...recs) }),
    kind: fc.constantFrom(...REACTION_KINDS),
    reason: fc.constantFrom(...DISMISS_REASONS),
    days: fc.integer({ min: 1, max: 30 }),
    key: fc.constantFrom(...keyPool),
  });
  const plan = fc.sample(reaction, { numRuns: opts.n, seed: opts.seed });
  // Duplicates with the same body: replay a quarter of the requests as they were.
  for (let i = 0; i < opts.n / 4; i++) plan.push(plan[(i * 7) % plan.length]!);
  const base = Date.now();
  const bodyOf = (p: (typeof plan)[number]) => ({
    kind: p.kind,
    actorEmail: w.repEmail,
    idempotencyKey: p.key,
    ...(p.kind === "DISMISS" ? { reason: p.reason } : {}),
    ...(p.kind === "SNOOZE" ? { snoozeUntil: new Date(base + p.days * DAY).toISOString() } : {}),
  });

  const report: BurstReport = { requests: plan.length, byStatus: {}, attempts: {}, over500: 0, failures: [] };
  const maxWait = opts.maxRetryWaitMs ?? 2000;
  const answers = await Promise.all(
    plan.map(async (p) => {
      // A well-behaved client: a 429/503 is retried after Retry-After (capped, jittered), up to 40 times.
      for (let attempt = 0; ; attempt++) {
        const res = await w.routes.feedback(request(`/api/v1/recommendations/${p.rec}/feedback`, { kind: "json", value: bodyOf(p) }, w.key), { params: Promise.resolve({ id: p.rec }) });
        const stats: RouteStats = { route: "burst", bodies: 0, byStatus: report.attempts, failures: report.failures };
        const json = (await check(stats, res, () => JSON.stringify(bodyOf(p)))) as { recommendation?: { status: string } } | null;
        if ((res.status === 429 || res.status === 503) && attempt < 40) {
          const after = Number(res.headers.get("retry-after") ?? 1);
          await new Promise((r) => setTimeout(r, Math.min(maxWait, after * 1000) * (0.5 + Math.random())));
          continue;
        }
        report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
        return { p, status: res.status, result: json?.recommendation?.status };
      }
    }),
  );
  report.over500 = Object.entries(report.attempts).filter(([s]) => Number(s) >= 500 && Number(s) !== 503).reduce((m, [, c]) => m + c, 0);

  // Keys: at most one row each; a stored key was answered 200 with its stored status by every 200 under that key.
  const rows = await db().feedback.findMany({ where: { recommendationId: { in: recs }, id: { gt: firstFeedbackId } }, orderBy: { id: "asc" } });
  const byKey = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    if (!r.idempotencyKey) continue;
    if (byKey.has(r.idempotencyKey)) report.failures.push(`key ${r.idempotencyKey} stored twice`);
    byKey.set(r.idempotencyKey, r);
  }
  for (const a of answers) {
    const row = byKey.get(a.p.key);
    if (a.status !== 200 || !row) continue;
    // A 200 for the same request as the stored one carries the stored result (first, retried or concurrent alike).
    const sameRequest =
      row.recommendationId === a.p.rec &&
      row.kind === a.p.kind &&
      (a.p.kind !== "DISMISS" || row.dismissReason === a.p.reason) &&
      (a.p.kind !== "SNOOZE" || row.snoozeUntil?.getTime() === base + a.p.days * DAY);
    if (sameRequest && a.result !== row.status) report.failures.push(`key ${a.p.key}: answered ${a.result}, stored ${row.status}`);
  }
  for (const [k, row] of byKey) {
    if (!answers.some((a) => a.p.key === k && a.status === 200 && a.p.rec === row.recommendationId)) report.failures.push(`key ${k} stored without a 200 for it`);
  }

  // Each suggestion's state is the replay of its reactions, in the order applied (ids).
  for (const id of recs) {
    const states: RecState[] = [initial.get(id)!];
    for (const r of rows.filter((x) => x.recommendationId === id)) {
      const cur = states[states.length - 1]!;
      const prev = { status: r.previousStatus, snoozedUntil: r.previousSnoozedUntil, decidedAt: r.previousDecidedAt, expiresAt: r.previousExpiresAt };
      if (JSON.stringify(prev) !== JSON.stringify(cur)) report.failures.push(`rec ${id} feedback ${r.id}: kept ${JSON.stringify(prev)}, replay says ${JSON.stringify(cur)}`);
      if (r.kind === "UNDO") {
        states.push(states[states.length - 2] ?? cur);
        continue;
      }
      const status = REACTION_TARGET[r.kind];
      const until = r.kind === "SNOOZE" ? r.snoozeUntil : null;
      states.push({ status, snoozedUntil: until, decidedAt: keepsDecisionTime(status) ? r.createdAt : null, expiresAt: until && until >= cur.expiresAt ? new Date(until.getTime() + DAY) : cur.expiresAt });
    }
    const now = await db().recommendation.findUniqueOrThrow({ where: { id }, select: { status: true, snoozedUntil: true, decidedAt: true, expiresAt: true } });
    if (JSON.stringify(now) !== JSON.stringify(states[states.length - 1])) report.failures.push(`rec ${id}: state ${JSON.stringify(now)}, replay ${JSON.stringify(states[states.length - 1])}`);
  }
  return report;
}

export function summaryLine(fuzz: FuzzReport, burst: BurstReport | null, seconds: number): string {
  const b = burst
    ? `; burst: ${burst.requests} concurrent reactions, ${burst.over500} responses ≥ 500 (503 with Retry-After allowed), final statuses ${JSON.stringify(burst.byStatus)}, every answer ${JSON.stringify(burst.attempts)}`
    : "";
  return `probe: ${fuzz.bodies} bodies, ${fuzz.over500} responses ≥ 500, rejected items wrote ${fuzz.strayRows} rows${b}; ${fuzz.failures.length + (burst?.failures.length ?? 0)} failures (${seconds.toFixed(1)} s)`;
}
