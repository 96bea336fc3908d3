// Bursts against a running production server (issue 11, "Back-pressure, not
// failure"): 1,000 concurrent reactions through POST
// /api/v1/recommendations/{id}/feedback (distinct suggestions, retries with the
// same key, the same key with a different body, and conflicting reactions on
// one suggestion) and 1,000 concurrent POST /api/v1/events (some keys sent
// twice), all at once per burst. Then it checks the database: every 200 is
// there exactly once; and every 429/503 carried Retry-After. Prints
//   burst: reactions N (200: a, 409: b, 422: c, 429/503: d, 5xx: 0) in T s
//   burst: events N (200: a, 429/503: d, 5xx: 0) in T s
//   burst: database: ... ; exit code 1 when a check fails.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/nudge_bench npm run probe:burst
//     [-- --base=http://127.0.0.1:3000]   use a server already running on that database
//     [-- --port=3400] [-- --n=1000] [-- --allow-small]
//
// Without --base it builds (unless up to date, in .next-bench) and starts
// `next start` like the benches (scripts/lib/bench.ts). It writes: the
// reactions and events it sends stay in the database (use a copy of the
// large data set, e.g. CREATE DATABASE nudge_burst TEMPLATE nudge_bench).
import http from "node:http";
import pg from "pg";
import { createApiKey } from "@/lib/data/api-keys";
import { disconnectDb } from "@/lib/data/db";
import { arg, requireDatabaseUrl, requireLargeData, startServer, type Server } from "./lib/bench";

const REP_EMAIL = "rep@nudge.test";

interface Sent {
  key: string;
  status: number;
  retryAfter: string | null;
  code?: string;
  /** For events: the item's status in a 200 answer. */
  itemStatus?: string;
}

function tally(list: Sent[]) {
  const n = (f: (s: number) => boolean) => list.filter((x) => f(x.status)).length;
  return { ok: n((s) => s === 200), c409: n((s) => s === 409), c422: n((s) => s === 422), busy: n((s) => s === 429 || s === 503), s5xx: n((s) => s >= 500 && s !== 503), other: n((s) => ![200, 409, 422, 429, 503].includes(s) && s < 500) };
}

async function main() {
  const url = requireDatabaseUrl("probe:burst");
  const n = Number(arg("n") ?? 1000);
  const facts = await requireLargeData(url, "probe:burst", process.argv.includes("--allow-small"));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const run = Date.now().toString(36);
  let server: Server | null = null;
  try {
    const { key } = await createApiKey(`probe:burst ${run}`, undefined, null, 1_000_000); // load, not the per-key rate limit
    await disconnectDb();
    const base = arg("base") ?? (server = await startServer(url)).base;
    console.log(`# probe:burst ${new Date().toISOString()} · ${facts.counts.customers} customers, ${facts.counts.recommendations} recommendations · ${base} · n=${n}`);

    // ---------- reactions ----------
    // Pending suggestions of any active rep, each reacted to by its own rep.
    const distinct = Math.round(n * 0.6);
    const { rows: pending } = await client.query<{ id: string; email: string }>(
      `SELECT r.id, u.email FROM "Recommendation" r JOIN "User" u ON u.id = r."repId" AND u.active AND u.role = 'REP'
        WHERE r.status = 'PENDING' AND NOT r."isControl" AND r."expiresAt" > now() + interval '1 hour'
        ORDER BY md5(r.id::text || $2) LIMIT $1`,
      [distinct + 1, run],
    );
    if (pending.length < 2) throw new Error(`too few pending suggestions (${pending.length}); use a fresh copy of the large data set`);
    const actorOf = new Map(pending.map((r) => [r.id, r.email]));
    const contested = pending[0]!.id;
    const targets = pending.slice(1).map((r) => r.id);
    type Reaction = { rec: string; key: string; body: Record<string, unknown> };
    const reactions: Reaction[] = [];
    const snoozeUntil = new Date(Date.now() + 3 * 86_400_000).toISOString();
    for (let i = 0; reactions.length < distinct && i < targets.length; i++) {
      reactions.push({ rec: targets[i]!, key: `burst-${run}-r${i}`, body: { kind: "ACCEPT" } });
    }
    // Retries: the same key and body again (a double click, a client retry)...
    const firsts = reactions.slice(0, Math.round(n * 0.15));
    for (const r of firsts) reactions.push({ ...r });
    // ...and the same key with another body (a client bug): a documented 4xx.
    for (const r of firsts.slice(0, Math.round(n * 0.05))) reactions.push({ ...r, body: { kind: "DISMISS", reason: "NOT_RELEVANT" } });
    // Conflicting reactions on one suggestion, each with its own key.
    const kinds = [{ kind: "ACCEPT" }, { kind: "DISMISS", reason: "BAD_TIMING" }, { kind: "SNOOZE", snoozeUntil }, { kind: "DONE" }, { kind: "UNDO" }];
    for (let i = 0; reactions.length < n; i++) reactions.push({ rec: contested, key: `burst-${run}-c${i}`, body: kinds[i % kinds.length]! });

    // node:http rather than fetch, one connection per call: fetch gives up connecting after 10 s, and a
    // thousand connections at once can wait longer than that in the listen
    // backlog of a busy server, and a kept-alive connection the server closes
    // as it is reused reads ECONNRESET; either would be the client failing.
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const post = (path: string, body: unknown) =>
      new Promise<{ status: number; retryAfter: string | null; text: string }>((resolve, reject) => {
        const data = JSON.stringify(body);
        const req = http.request(
          `${base}${path}`,
          { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data), authorization: `Bearer ${key}` } },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (text += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: (res.headers["retry-after"] as string | undefined) ?? null, text }));
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(data);
      });
    const send = async (path: string, body: unknown, k: string): Promise<Sent> => {
      try {
        const res = await post(path, body);
        let json: { error?: { code?: string }; results?: { status: string }[] } = {};
        try {
          json = JSON.parse(res.text);
        } catch {
          /* not JSON: counted by status */
        }
        return { key: k, status: res.status, retryAfter: res.retryAfter, code: json.error?.code, itemStatus: json.results?.[0]?.status };
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code ?? "";
        return { key: k, status: 599, retryAfter: null, code: `network: ${(err as Error).message} ${cause}`.trim() };
      }
    };

    // Warm-up, not counted (as the benches do): the routes' first calls and
    // the learning statistics the re-score loads once per process.
    const { rows: warm } = await client.query<{ externalId: string }>(`SELECT "externalId" FROM "Customer" ORDER BY "externalId" DESC LIMIT 5`);
    for (const w of warm) {
      await send("/api/v1/events", { events: [{ customerExternalId: w.externalId, type: "WEB_VISIT", occurredAt: new Date().toISOString() }] }, "warm-up");
    }
    await send(`/api/v1/recommendations/${contested}/feedback`, { kind: "NOT_A_KIND" }, "warm-up");

    let t0 = performance.now();
    const reactionResults = await Promise.all(
      reactions.map((r) => send(`/api/v1/recommendations/${r.rec}/feedback`, { ...r.body, actorEmail: actorOf.get(r.rec), idempotencyKey: r.key }, r.key)),
    );
    const reactionSeconds = (performance.now() - t0) / 1000;
    const rt = tally(reactionResults);
    console.log(
      `burst: reactions ${reactionResults.length} (200: ${rt.ok}, 409: ${rt.c409}, 422: ${rt.c422}, 429/503: ${rt.busy}, 5xx: ${rt.s5xx}${rt.other ? `, other: ${rt.other}` : ""}) in ${reactionSeconds.toFixed(1)} s`,
    );

    // ---------- events ----------
    const { rows: custRows } = await client.query<{ externalId: string }>(
      `SELECT c."externalId" FROM "Customer" c JOIN "User" u ON u.id = c."ownerId" WHERE u.email = $1 ORDER BY c."externalId" LIMIT 500`,
      [REP_EMAIL],
    );
    const events: { key: string; body: unknown }[] = [];
    const uniqueEvents = Math.round(n * 0.9);
    for (let i = 0; i < uniqueEvents; i++) {
      const ext = custRows[i % custRows.length]!.externalId;
      const type = i % 3 === 0 ? "PURCHASE" : i % 3 === 1 ? "WEB_VISIT" : "SUPPORT_TICKET";
      const k = `burst-${run}-e${i}`;
      const item: Record<string, unknown> = { customerExternalId: ext, type, occurredAt: new Date().toISOString(), idempotencyKey: k };
      if (type === "PURCHASE") item.amount = 120;
      if (type === "SUPPORT_TICKET") item.payload = { status: "open", subject: "burst" };
      events.push({ key: k, body: { events: [item] } });
    }
    for (let i = 0; events.length < n; i++) events.push({ ...events[i]! }); // retries of the first ones
    t0 = performance.now();
    const eventResults = await Promise.all(events.map((e) => send("/api/v1/events", e.body, e.key)));
    const eventSeconds = (performance.now() - t0) / 1000;
    const et = tally(eventResults);
    console.log(`burst: events ${eventResults.length} (200: ${et.ok}, 429/503: ${et.busy}, 5xx: ${et.s5xx}${et.other ? `, other: ${et.other}` : ""}${et.c409 + et.c422 ? `, 409/422: ${et.c409 + et.c422}` : ""}) in ${eventSeconds.toFixed(1)} s`);

    // ---------- the database ----------
    const problems: string[] = [];
    const okReactionKeys = [...new Set(reactionResults.filter((r) => r.status === 200).map((r) => r.key))];
    const { rows: fb } = await client.query<{ key: string; n: number }>(
      `SELECT "idempotencyKey" AS key, COUNT(*)::int AS n FROM "Feedback" WHERE "idempotencyKey" = ANY($1::text[]) GROUP BY 1`,
      [okReactionKeys],
    );
    // A reaction that changed the suggestion is there exactly once; a 200 that changed nothing (a
    // reaction to one already in that state) writes no row, which only the contested suggestion sees.
    const fbCount = new Map(fb.map((r) => [r.key, r.n]));
    const twice = [...fbCount].filter(([, c]) => c !== 1);
    if (twice.length) problems.push(`${twice.length} reaction keys recorded more than once`);
    const okEventKeys = [...new Set(eventResults.filter((e) => e.status === 200 && (e.itemStatus === "recorded" || e.itemStatus === "duplicate")).map((e) => e.key))];
    const { rows: ev } = await client.query<{ key: string; n: number }>(
      `SELECT "idempotencyKey" AS key, COUNT(*)::int AS n FROM "CustomerEvent" WHERE "idempotencyKey" = ANY($1::text[]) GROUP BY 1`,
      [okEventKeys],
    );
    const evCount = new Map(ev.map((r) => [r.key, r.n]));
    const missingEvents = okEventKeys.filter((k) => !evCount.has(k));
    if (missingEvents.length) problems.push(`${missingEvents.length} events answered 200 are missing`);
    if ([...evCount.values()].some((c) => c !== 1)) problems.push("an event key recorded more than once");
    const rejectedEvents = eventResults.filter((e) => e.status === 200 && e.itemStatus === "rejected").length;
    if (rejectedEvents) problems.push(`${rejectedEvents} events rejected in a 200 answer`);
    // Reactions on distinct suggestions: each 200 wrote its row (none of them is a no-op).
    const distinctKeys = new Set(reactions.slice(0, distinct).map((r) => r.key));
    const missingDistinct = okReactionKeys.filter((k) => distinctKeys.has(k) && !fbCount.has(k));
    if (missingDistinct.length) {
      problems.push(`${missingDistinct.length} reactions answered 200 are missing`);
      for (const k of missingDistinct.slice(0, 3)) {
        const r = reactions.find((x) => x.key === k)!;
        const answers = reactionResults.filter((x) => x.key === k).map((x) => `${x.status}${x.code ? ` ${x.code}` : ""}`);
        const { rows } = await client.query(`SELECT status::text, "decidedAt" FROM "Recommendation" WHERE id = $1`, [r.rec]);
        const { rows: fbs } = await client.query(`SELECT kind::text, "idempotencyKey", "createdAt" FROM "Feedback" WHERE "recommendationId" = $1 ORDER BY "createdAt"`, [r.rec]);
        console.log(`# missing ${k} on ${r.rec}: answers ${answers.join(", ")}; now ${JSON.stringify(rows[0])}; feedback ${JSON.stringify(fbs)}`);
      }
    }
    const withoutRetryAfter = [...reactionResults, ...eventResults].filter((r) => (r.status === 429 || r.status === 503) && !/^\d+$/.test(r.retryAfter ?? "")).length;
    if (withoutRetryAfter) problems.push(`${withoutRetryAfter} 429/503 answers without Retry-After`);
    const fiveHundreds = rt.s5xx + et.s5xx;
    if (fiveHundreds) {
      problems.push(`${fiveHundreds} answers 5xx other than 503`);
      const sample = [...reactionResults, ...eventResults].filter((r) => r.status >= 500 && r.status !== 503).slice(0, 3);
      console.log(`# 5xx sample: ${JSON.stringify(sample)}`);
    }
    // The contested suggestion's history is consistent: every applied reaction is one Feedback row.
    const { rows: contestedRows } = await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "Feedback" WHERE "recommendationId" = $1 AND "idempotencyKey" LIKE $2`, [contested, `burst-${run}-c%`]);
    console.log(
      `burst: database: ${fbCount.size} reaction keys answered 200 and recorded once each (${okReactionKeys.length - fbCount.size} were 200 without a change), ${evCount.size} of ${okEventKeys.length} event keys answered 200 present once each; contested suggestion: ${contestedRows[0]?.n ?? 0} reactions applied; 429/503 without Retry-After: ${withoutRetryAfter}`,
    );
    if (problems.length) {
      console.log(`burst: FAILED: ${problems.join("; ")}`);
      process.exitCode = 1;
    } else {
      console.log("burst: ok (0 5xx, every 200 in the database exactly once, every 429/503 with Retry-After)");
    }
    agent.destroy();
  } finally {
    await client.end();
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
