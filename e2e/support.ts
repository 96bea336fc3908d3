import { expect, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import pg from "pg";

export const PASSWORD = "nudge-demo";
export const ACCOUNTS = {
  rep: { email: "rep@nudge.test", home: "/queue", heading: "Today's queue" },
  manager: { email: "manager@nudge.test", home: "/dashboards/adoption", heading: "Adoption" },
  admin: { email: "admin@nudge.test", home: "/admin/catalog", heading: "Action catalog" },
} as const;
export type RoleName = keyof typeof ACCOUNTS;

// Per port, so a second run beside the main one (E2E_PORT) does not overwrite its saved sessions.
const port = process.env.E2E_PORT ?? "3100";
export const storageState = (role: RoleName) => (port === "3100" ? `test-results/.auth/${role}.json` : `test-results/port-${port}/.auth/${role}.json`);

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A direct connection to the e2e database, for asserting what was (not) written. */
export async function withDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A new account with the demo password (hash copied from the demo rep), for
 * tests that sign out (which ends every session of the account) or lock an
 * account, so the demo accounts' saved sessions stay valid for the others.
 */
export async function throwawayUser(role: "REP" | "MANAGER" | "ADMIN" = "REP", opts: { tourDone?: boolean } = {}): Promise<string> {
  const email = `e2e-${randomUUID().slice(0, 8)}@nudge.test`;
  await withDb(async (db) => {
    await db.query(
      `INSERT INTO "User" (email, name, role, "teamId", "passwordHash") SELECT $1, 'Throwaway ' || $2, $2::"Role", "teamId", "passwordHash" FROM "User" WHERE email = $3`,
      [email, role, ACCOUNTS.rep.email],
    );
    // Unless a test wants a brand-new user, the first-run tour is behind them (so it does not open over the page).
    if (opts.tourDone !== false)
      await db.query(`INSERT INTO "UsageEvent" ("userId", type, meta) SELECT id, 'TOUR', '{"event":"finished","step":1,"tour":"rep"}'::jsonb FROM "User" WHERE email = $1`, [email]);
  });
  return email;
}

export async function expectSignedOut(page: Page) {
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

export async function feedbackCount(recommendationId: string): Promise<number> {
  return withDb(async (db) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Feedback" WHERE "recommendationId" = $1`, [recommendationId])).rows[0]!.n);
}

export async function statusOf(recommendationId: string): Promise<string> {
  return withDb(async (db) => (await db.query<{ status: string }>(`SELECT status FROM "Recommendation" WHERE id = $1`, [recommendationId])).rows[0]!.status);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** Captures the next server action request the page sends to `path` (and stops it there). */
export async function captureAction(page: Page, path: string, trigger: () => Promise<void>) {
  let captured: { headers: Record<string, string>; body: string } | null = null;
  const pattern = `**${path}`;
  await page.route(pattern, async (route) => {
    const req = route.request();
    if (req.method() === "POST" && req.headers()["next-action"]) {
      captured = { headers: req.headers(), body: req.postData() ?? "" };
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await trigger();
  await expect.poll(() => captured !== null).toBe(true);
  await page.unroute(pattern);
  return captured as unknown as { headers: Record<string, string>; body: string };
}

/** An API key with the given scopes, stored the way lib/data/api-keys.ts stores one (sha256 of the whole key). */
export async function apiKey(name: string, scopes: string[] = ["customers:write", "events:write", "recommendations:read", "feedback:write"]): Promise<string> {
  const { createHash, randomBytes } = await import("node:crypto");
  const prefix = randomBytes(6).toString("hex");
  const key = `nk_${prefix}_${randomBytes(24).toString("base64url")}`;
  await withDb((db) => db.query(`INSERT INTO "ApiKey" (name, prefix, "secretHash", scopes) VALUES ($1, $2, $3, $4)`, [name, prefix, createHash("sha256").update(key).digest("hex"), scopes]));
  return key;
}
