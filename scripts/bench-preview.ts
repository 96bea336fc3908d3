// bench:preview: an admin's catalog preview on the large data set, run against
// `next start`, while /api/health is polled back to back from this process.
// The preview is a background job whose work yields to the event loop, so
// health must stay fast. Prints
//   preview under load: preview X ms, health p95 Y ms, n=N (baseline …)
// for a rule at the condition limit, and the refusal of a 200-condition rule.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/nudge_bench npm run bench:preview
import { readFileSync } from "node:fs";
import path from "node:path";
import { MAX_RULE_CONDITIONS } from "@/lib/engine";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "@/tooling/seed/people";
import { arg, headerLines, measure, requireDatabaseUrl, requireLargeData, signIn, startServer, summarize, timingFromArgs, type Stats } from "./lib/bench";
import { ROOT } from "./lib/proc";

type Manifest = { node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }> };

function actionIds(): Map<string, { id: string; page: string }> {
  const dist = process.env.NEXT_DIST_DIR ?? ".next-bench";
  const manifest = JSON.parse(readFileSync(path.join(ROOT, dist, "server", "server-reference-manifest.json"), "utf8")) as Manifest;
  const out = new Map<string, { id: string; page: string }>();
  for (const [id, v] of Object.entries(manifest.node)) {
    if (v.filename !== "lib/actions/catalog.ts" || !v.exportedName) continue;
    const worker = Object.keys(v.workers).find((w) => !w.includes("[")) ?? Object.keys(v.workers)[0]!;
    out.set(v.exportedName, { id, page: worker.replace(/^app/, "").replace(/\/\([^)]+\)/g, "").replace(/\/page$/, "") || "/" });
  }
  return out;
}

const ms = (n: number) => n.toFixed(1);

function rule(conditions: number) {
  // Realistic conditions over several signals, all in one "any" group (each is evaluated for every customer).
  const signals = ["lifetimeValue", "ordersLast90d", "spendLast90d", "daysSinceLastPurchase", "webVisitsLast7d", "tenureDays"] as const;
  return { any: Array.from({ length: conditions }, (_, i) => ({ signal: signals[i % signals.length]!, op: "gte", value: 1_000_000 + i })) };
}

const FIELDS = {
  key: "bench_preview",
  name: "Bench preview",
  category: "RELATIONSHIP",
  description: "",
  messageTemplate: "Call {{firstName}}",
  businessValue: "500",
  lever: "1",
  cooldownDays: "14",
  expiresAfterDays: "7",
  controlGroupPct: "10",
  exploration: false,
};

async function main() {
  const url = requireDatabaseUrl("bench:preview");
  const facts = await requireLargeData(url, "bench:preview", process.argv.includes("--allow-small"));
  const timing = timingFromArgs();
  const server = await startServer(url);
  try {
    const { base } = server;
    const cookie = (await signIn(base, DEMO_ACCOUNTS.admin.email, DEMO_PASSWORD)).header();
    const actions = actionIds();
    const call = async (name: string, input: unknown): Promise<string> => {
      const a = actions.get(name);
      if (!a) throw new Error(`server action ${name} not found in the build`);
      const res = await fetch(`${base}${a.page}`, {
        method: "POST",
        headers: { cookie, "next-action": a.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
        body: JSON.stringify([input]),
      });
      return res.text();
    };
    const health = async () => {
      const t = performance.now();
      const res = await fetch(`${base}/api/health`);
      await res.text();
      return performance.now() - t;
    };

    for (const line of headerLines("bench:preview", facts, timing, [`health polled back to back while one preview job runs; baseline: health with nothing else running`])) console.log(line);
    const baseline: Stats = await measure(() => health(), timing);

    const conditions = Number(arg("conditions") ?? MAX_RULE_CONDITIONS);
    const t0 = performance.now();
    const started = await call("previewActionTypeAction", { ...FIELDS, rule: rule(conditions) });
    const jobId = started.match(/"id":"([0-9a-f-]{36})"/)?.[1];
    if (!jobId) throw new Error(`preview did not start: ${started.slice(0, 400)}`);
    const samples: number[] = [];
    let state = "running";
    let lastPoll = 0;
    let body = "";
    while (state === "running") {
      samples.push(await health());
      if (performance.now() - lastPoll > 250) {
        lastPoll = performance.now();
        body = await call("jobStatusAction", { id: jobId });
        state = body.match(/"state":"(\w+)"/)?.[1] ?? "unknown";
      }
    }
    const previewMs = performance.now() - t0;
    if (state !== "done") throw new Error(`preview ended ${state}: ${body.slice(0, 400)}`);
    const customers = body.match(/"customers":(\d+)/)?.[1];
    const s = summarize(samples);
    console.log(
      `preview under load: preview ${Math.round(previewMs)} ms (${conditions} conditions, ${customers} customers), health p95 ${ms(s.p95)} ms, median ${ms(s.median)} ms, n=${s.n} (baseline p95 ${ms(baseline.p95)} ms, ratio ${(s.p95 / baseline.p95).toFixed(1)})`,
    );

    const refused = await call("previewActionTypeAction", { ...FIELDS, rule: rule(200) });
    const message = refused.match(/"message":"([^"]+)"/)?.[1] ?? refused.slice(0, 200);
    const fieldError = refused.match(/"rule":\["([^"]+)"\]/)?.[1];
    console.log(`200-condition rule: ${refused.includes('"ok":false') ? "refused" : "NOT refused"}: ${fieldError ?? message}`);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
