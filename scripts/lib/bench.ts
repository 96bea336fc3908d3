// Shared helpers for the benchmarks (see ../shared/BENCH.md for the method):
// timing loops with warm-up, median/p95, the one-line output format, the
// machine and data facts for the header, a production server on its own port
// and dist dir, and signing in over HTTP.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { availableParallelism, totalmem } from "node:os";
import pg from "pg";
import { percentile } from "@/lib/metrics/summary";
import { isLarge, largeCounts, type LargeCounts } from "@/tooling/seed/large";
import { ensureBuild } from "./build";
import { NEXT, ROOT } from "./proc";

export interface Stats {
  median: number;
  p95: number;
  n: number;
}

export interface TimingOptions {
  /** Warm-up: at least this many iterations or warmupMs, whichever is more (BENCH.md: 20 or 2 s). */
  warmup?: number;
  warmupMs?: number;
  /** Timed: stop at this many iterations or after `seconds`, whichever comes first (BENCH.md: 200 or 30 s). */
  iterations?: number;
  seconds?: number;
}

export function arg(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=").slice(1).join("=");
}

export function timingFromArgs(): Required<TimingOptions> {
  return {
    warmup: Number(arg("warmup") ?? 20),
    warmupMs: 2000,
    iterations: Number(arg("iterations") ?? 200),
    seconds: Number(arg("seconds") ?? 30),
  };
}

export function summarize(samples: readonly number[]): Stats {
  return { median: percentile(samples, 0.5) ?? NaN, p95: percentile(samples, 0.95) ?? NaN, n: samples.length };
}

/**
 * Runs `fn(i)` for the warm-up, then times it. `i` counts every call (warm-up
 * included) so callers can use a fresh input each time.
 */
export async function measure(fn: (i: number) => Promise<unknown>, opts: TimingOptions = {}, prepare?: (i: number) => Promise<unknown>): Promise<Stats> {
  const { warmup = 20, warmupMs = 2000, iterations = 200, seconds = 30 } = opts;
  let i = 0;
  const warmStart = performance.now();
  while (i < warmup || performance.now() - warmStart < warmupMs) {
    await prepare?.(i);
    await fn(i++);
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < iterations && performance.now() - start < seconds * 1000) {
    // Untimed: what an iteration needs set up before it (the time budget counts it, the samples do not).
    await prepare?.(i);
    const t = performance.now();
    await fn(i++);
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** `<name>: median <x> ms, p95 <y> ms, n=<n> (baseline p95 <b> ms, ratio <y/b>)` */
export function latencyLine(name: string, s: Stats, baseline: Stats): string {
  return `${name}: median ${ms(s.median)} ms, p95 ${ms(s.p95)} ms, n=${s.n} (baseline p95 ${ms(baseline.p95)} ms, ratio ${(s.p95 / baseline.p95).toFixed(1)})`;
}

/** `<name>: <x> customers/s (<n> customers in <t> s)` */
export function throughputLine(name: string, customers: number, msTaken: number): string {
  return `${name}: ${Math.round((customers / msTaken) * 1000)} customers/s (${customers} customers in ${(msTaken / 1000).toFixed(2)} s)`;
}

export function baselineLine(name: string, s: Stats): string {
  return `# baseline ${name}: median ${ms(s.median)} ms, p95 ${ms(s.p95)} ms, n=${s.n}`;
}

/** Refuses the embedded database: a bench needs DATABASE_URL. */
export function requireDatabaseUrl(bench: string): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      `${bench} needs a real Postgres: set DATABASE_URL to the large data set (e.g. postgresql://postgres@127.0.0.1:5432/nudge_bench, built by npm run seed:large). It never runs on the embedded database.`,
    );
    process.exit(2);
  }
  return url;
}

export interface DataFacts {
  counts: LargeCounts;
  postgres: string;
}

/** Table sizes and the Postgres version; exits unless the large data set is there (or `allowSmall`). */
export async function requireLargeData(url: string, bench: string, allowSmall: boolean): Promise<DataFacts> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts = await largeCounts(client).catch(() => null);
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    if (!counts || (!isLarge(counts) && !allowSmall)) {
      console.error(
        `${bench}: the database is not the large data set${counts ? ` (${counts.customers} customers, ${counts.events} events, ${counts.feedback} feedback, ${counts.reps} reps)` : " (no Nudge schema)"}. ` +
          `Build it first: DATABASE_URL=${url} npm run seed:large  (or pass --allow-small for a smoke run whose figures are not comparable with the targets).`,
      );
      process.exit(2);
    }
    return { counts, postgres: rows[0]!.v };
  } finally {
    await client.end();
  }
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: ROOT }).toString().trim();
  } catch {
    return "unknown";
  }
}

/** The header facts BENCH.md asks for, as `#` comment lines. */
export function headerLines(bench: string, facts: DataFacts, timing: Required<TimingOptions>, extra: string[] = []): string[] {
  const c = facts.counts;
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]) ? " (uncommitted changes)" : "";
  return [
    `# ${bench} ${new Date().toISOString()} · commit ${git(["rev-parse", "--short", "HEAD"])}${dirty}`,
    `# machine: nproc ${availableParallelism()}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM · node ${process.version} · postgres ${facts.postgres}`,
    `# data: ${c.customers} customers, ${c.reps} reps (${c.users} users, ${c.teams} teams), ${c.events} events, ${c.recommendations} recommendations, ${c.feedback} feedback, ${c.usageEvents} usage events` +
      (isLarge(c) ? "" : " (SMALLER than the large data set: smoke run, not comparable with the targets)"),
    `# method: warm-up ≥ ${timing.warmup} iterations and ≥ ${timing.warmupMs / 1000} s, then ${timing.iterations} iterations (or ${timing.seconds} s); median and p95`,
    ...extra.map((l) => `# ${l}`),
  ];
}

// ---------- the production server ----------

export interface Server {
  base: string;
  stop(): Promise<void>;
}

/**
 * Builds (unless this source is already built in NEXT_DIST_DIR, default
 * .next-bench) and starts `next start` on its own port against DATABASE_URL.
 */
export async function startServer(url: string, port = Number(arg("port") ?? 3400)): Promise<Server> {
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "bench-secret-not-for-production-0123456789",
    NEXTAUTH_URL: base,
    NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-bench",
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
  };
  try {
    const res = await fetch(`${base}/api/health`);
    throw new Error(`port ${port} is already in use (answered ${res.status}); pass --port=N`);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith("port ")) throw err;
  }
  // `next build` with a dist dir other than .next adds that dir's types to
  // tsconfig.json; put the file back as it was (it is not ours to change).
  const tsconfig = path.join(ROOT, "tsconfig.json");
  const original = readFileSync(tsconfig, "utf8");
  try {
    await ensureBuild(env);
  } finally {
    if (readFileSync(tsconfig, "utf8") !== original) writeFileSync(tsconfig, original);
  }
  const child: ChildProcess = spawn(NEXT, ["start", "-p", String(port), "-H", "127.0.0.1"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer /api/health within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      void stop().finally(() => process.exit(130));
    });
  }
  return { base, stop };
}

// ---------- HTTP ----------

/** Cookie jar as a `cookie:` header value, updated from Set-Cookie headers. */
export class Cookies {
  private jar = new Map<string, string>();
  update(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      this.jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  has(name: string): boolean {
    return this.jar.has(name);
  }
  entries(): [string, string][] {
    return [...this.jar];
  }
}

/** Signs in with next-auth credentials over HTTP; returns the session cookies. */
export async function signIn(base: string, email: string, password: string): Promise<Cookies> {
  const cookies = new Cookies();
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  cookies.update(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${base}/queue` }),
  });
  cookies.update(res);
  if (!cookies.has("next-auth.session-token")) throw new Error(`sign-in as ${email} failed (HTTP ${res.status})`);
  return cookies;
}

/** GET/POST until the body is fully read; throws on an unexpected status. */
export async function timedFetch(url: string, init: RequestInit, expect: (status: number) => boolean = (s) => s === 200): Promise<string> {
  const res = await fetch(url, { redirect: "manual", ...init });
  const body = await res.text();
  if (!expect(res.status)) throw new Error(`${init.method ?? "GET"} ${url}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return body;
}
