// npm run bench:web [-- --iterations=200] [--seconds=30] [--port=3400] [--q=an] [--allow-small]
// The rep's day over HTTP against `next start` (production build in
// .next-bench), on the large data set (npm run seed:large), BENCH.md method.
// Signed in as the bench rep (rep@nudge.test, who owns exactly 1,000 customers):
//  - queue page: GET /queue, server time = until the full response is read;
//    gzipped by the app, as a browser asks (fetch sends Accept-Encoding: gzip),
//    then again uncompressed (the app's work behind a compressing proxy).
//  - customer search: GET /customers?q=<common fragment>.
//  - accept action: the real server action request. Playwright (Debian
//    Chromium) clicks Accept once on /queue and captures the `next-action`
//    POST; it is then replayed with fetch for fresh recommendations, with the id
//    (and the idempotency key) substituted in the body. The bench creates its
//    own suggestions for that rep beforehand (snoozed into the future, so they
//    stay out of the visible queue until accepted); between timed iterations the
//    accepted one is closed directly in the database (untimed) so the queue the
//    action re-renders keeps its real size. Everything it created is removed at
//    the end.
// Baselines: GET /api/health over HTTP (the app has no bare dynamic route;
// /api/health runs one SELECT 1) and SELECT 1 through Prisma in-process.
import { randomUUID } from "node:crypto";
import { chromium } from "@playwright/test";
import { db, disconnectDb } from "@/lib/data/db";
import { OPEN_SQL } from "@/lib/data/vocabulary-sql";
import { BENCH_REP_EMAIL } from "@/tooling/seed/large";
import { DEMO_PASSWORD } from "@/tooling/seed/people";
import {
  arg,
  baselineLine,
  headerLines,
  latencyLine,
  measure,
  requireDatabaseUrl,
  requireLargeData,
  signIn,
  startServer,
  timedFetch,
  timingFromArgs,
  type Cookies,
  type Server,
} from "./lib/bench";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const BENCH_MODEL = "bench:web";

interface Captured {
  url: string;
  headers: Record<string, string>;
  body: string;
  recommendationId: string;
}

/** Clicks Accept on the capture suggestion in a real browser and returns the server action request it sent. */
async function captureAccept(server: Server, cookies: Cookies, recommendationId: string, customerName: string): Promise<Captured> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    const context = await browser.newContext();
    await context.addCookies(cookies.entries().map(([name, value]) => ({ name, value, url: server.base })));
    const page = await context.newPage();
    let captured: Captured | undefined;
    page.on("request", (req) => {
      const headers = req.headers();
      // The accept names the suggestion; other actions the page posts (the first-run tour's events) do not.
      if (req.method() === "POST" && headers["next-action"] && !captured && (req.postData() ?? "").includes(recommendationId)) {
        captured = { url: req.url(), headers, body: req.postData() ?? "", recommendationId };
      }
    });
    await page.goto(`${server.base}/queue`);
    const card = page.getByRole("group", { name: new RegExp(`Actions for .*${customerName}`) }).first();
    const done = page.waitForResponse((res) => res.request().method() === "POST" && !!res.request().headers()["next-action"] && (res.request().postData() ?? "").includes(recommendationId));
    await card.getByRole("button", { name: "Accept", exact: true }).click();
    const res = await done;
    if (res.status() !== 200) throw new Error(`the captured accept answered HTTP ${res.status()}`);
    if (!captured) throw new Error("no next-action request was captured");
    if (!captured.body.includes(recommendationId)) throw new Error(`the captured action body does not name the clicked suggestion: ${captured.body}`);
    return captured;
  } finally {
    await browser.close();
  }
}

async function main() {
  const url = requireDatabaseUrl("bench:web");
  const facts = await requireLargeData(url, "bench:web", process.argv.includes("--allow-small"));
  const timing = timingFromArgs();
  const q = arg("q") ?? "an";
  const rep = await db().user.findUniqueOrThrow({ where: { email: BENCH_REP_EMAIL }, select: { id: true } });
  const [own] = await db().$queryRaw<{ customers: number; matches: number; open: number }[]>`
    SELECT COUNT(*)::int AS customers,
           COUNT(*) FILTER (WHERE name ILIKE ${`%${q}%`} OR company ILIKE ${`%${q}%`} OR email ILIKE ${`%${q}%`})::int AS matches,
           (SELECT COUNT(*)::int FROM "Recommendation" r WHERE r."repId" = ${rep.id}::uuid AND NOT r."isControl" AND r.status IN ${OPEN_SQL} AND r."expiresAt" > now()) AS open
    FROM "Customer" WHERE "ownerId" = ${rep.id}::uuid`;
  for (const line of headerLines("bench:web", facts, timing, [
    `signed in as ${BENCH_REP_EMAIL}: ${own!.customers} customers, ${own!.open} open suggestions; search q="${q}" matches ${own!.matches} of them`,
    "HTTP against next start (production build); time = request until the full body is read; baseline GET /api/health (no bare dynamic route exists; it runs one SELECT 1)",
  ]))
    console.log(line);

  const started = new Date();
  const shownBefore = await db().recommendation.findMany({ where: { repId: rep.id, shownAt: null }, select: { id: true } });
  let server: Server | undefined;
  try {
    server = await startServer(url);
    const base = server.base;
    const cookies = await signIn(base, BENCH_REP_EMAIL, DEMO_PASSWORD);
    const cookie = cookies.header();

    const select1 = await measure(() => db().$queryRaw`SELECT 1`, timing);
    console.log(baselineLine("SELECT 1 through Prisma (in-process)", select1));
    const health = await measure(() => timedFetch(`${base}/api/health`, {}), timing);
    console.log(baselineLine("GET /api/health over HTTP", health));

    const queuePage = async (headers: Record<string, string>) => {
      const html = await timedFetch(`${base}/queue`, { headers: { cookie, ...headers } });
      if (!html.includes("Today&#x27;s queue") && !html.includes("Today's queue")) throw new Error("/queue did not render the queue");
    };
    const queue = await measure(() => queuePage({}), timing);
    console.log(latencyLine("queue page", queue, health));
    // The same page without the app's gzip (fetch asks for gzip, as a browser does): what the app does behind a
    // reverse proxy that compresses, with HTTP_COMPRESSION=off. The same server work; compression is skipped.
    const plain = await measure(() => queuePage({ "accept-encoding": "identity" }), timing);
    console.log(latencyLine("queue page, uncompressed (compression left to a proxy)", plain, health));

    const search = await measure(async () => {
      const html = await timedFetch(`${base}/customers?q=${encodeURIComponent(q)}`, { headers: { cookie } });
      if (!html.includes("matching")) throw new Error("/customers did not render a search result");
    }, timing);
    console.log(latencyLine("customer search", search, health));

    // Fresh suggestions for the accept replays: customer x action pairs of this rep with nothing open.
    // One visible (to click in the browser), the rest snoozed into the future (hidden until accepted).
    const needed = timing.iterations + Math.max(timing.warmup, 400);
    await db().$executeRaw`
      INSERT INTO "Recommendation" (id, "customerId", "actionTypeId", "actionTypeVersion", "repId", score, propensity, "expectedValue", message, reasons,
                                    status, "isControl", "modelVersion", "createdAt", "expiresAt", "snoozedUntil")
      SELECT gen_random_uuid(), c.id, a.id, a.version, c."ownerId", 0.01, 0.3, 1, 'Benchmark suggestion for ' || c.name, '[]'::jsonb,
             'SNOOZED', false, ${BENCH_MODEL}, now(), now() + interval '30 days', now() + interval '20 days'
      FROM "Customer" c CROSS JOIN "ActionType" a
      WHERE c."ownerId" = ${rep.id}::uuid AND a.active
        AND NOT EXISTS (SELECT 1 FROM "Recommendation" r WHERE r."customerId" = c.id AND r."actionTypeId" = a.id AND r.status IN ${OPEN_SQL})
      ORDER BY c."externalId", a.key
      LIMIT ${needed + 1}`;
    const created = await db().recommendation.findMany({
      where: { repId: rep.id, modelVersion: BENCH_MODEL },
      orderBy: { id: "asc" },
      select: { id: true, customer: { select: { name: true } } },
    });
    if (created.length < needed + 1) throw new Error(`could only create ${created.length} suggestions for the accept bench (need ${needed + 1})`);
    const [first, ...pool] = created;
    await db().recommendation.update({ where: { id: first!.id }, data: { status: "PENDING", snoozedUntil: null, score: 1e9 } });
    const captured = await captureAccept(server, cookies, first!.id, first!.customer.name);
    const keyMatch = /"idempotencyKey":"([^"]+)"/.exec(captured.body);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(captured.headers)) {
      if (!["host", "content-length", "cookie", "connection", "origin", "referer"].includes(k) && !k.startsWith("sec-")) headers[k] = v;
    }
    headers.cookie = cookie;
    headers.origin = base;
    console.log(`# accept action: captured POST ${new URL(captured.url).pathname} next-action ${captured.headers["next-action"]?.slice(0, 12)}…, body ${captured.body.length} bytes; replayed with fetch`);
    let previous: string | null = null;
    // The previous iteration's suggestion is closed before the next accept, untimed (before 2026-12-05 this UPDATE, with
    // its triggers, was inside the timed request).
    const closePrevious = async () => {
      if (previous) await db().$executeRaw`UPDATE "Recommendation" SET status = 'DONE', "decidedAt" = now() WHERE id = ${previous}::uuid`;
      previous = null;
    };
    const accept = await measure(async (i) => {
      const rec = pool[i];
      if (!rec) throw new Error("ran out of prepared suggestions");
      let body = captured.body.replaceAll(captured.recommendationId, rec.id);
      if (keyMatch) body = body.replaceAll(keyMatch[1]!, randomUUID());
      const res = await timedFetch(captured.url, { method: "POST", headers, body });
      if (!res.includes('"ok":true')) throw new Error(`accept failed: ${res.slice(0, 300)}`);
      previous = rec.id;
    }, timing, closePrevious);
    console.log(latencyLine("accept action", accept, health));
  } finally {
    await server?.stop();
    // Leave the data set as it was: the bench's suggestions (their feedback cascades), its usage rows, shownAt stamps.
    await db().$executeRaw`DELETE FROM "Recommendation" WHERE "repId" = ${rep.id}::uuid AND "modelVersion" = ${BENCH_MODEL}`;
    await db().$executeRaw`DELETE FROM "UsageEvent" WHERE "userId" = ${rep.id}::uuid AND at >= ${started}`;
    await db().$executeRaw`UPDATE "Recommendation" SET "shownAt" = NULL WHERE id = ANY(${shownBefore.map((r) => r.id)}::uuid[]) AND "shownAt" IS NOT NULL`;
  }
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
