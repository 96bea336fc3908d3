import { expect, test } from "@playwright/test";
import { ACCOUNTS, expectSignedOut, signIn, storageState, throwawayUser, withDb } from "./support";

test.describe("signing in", () => {
  for (const [role, account] of Object.entries(ACCOUNTS)) {
    test(`${role} lands on ${account.home}`, async ({ page }) => {
      await signIn(page, account.email);
      await expect(page).toHaveURL(new RegExp(`${account.home}$`));
      await expect(page.getByRole("heading", { level: 1, name: account.heading })).toBeVisible();
    });
  }

  test("a wrong password shows an error and creates no session", async ({ page, context }) => {
    await signIn(page, ACCOUNTS.rep.email, "wrong-password");
    await expect(page.getByRole("alert").filter({ hasText: "don't match an account" })).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name.includes("session-token"))).toBeUndefined();
    await page.goto("/queue");
    await expectSignedOut(page);
  });

  test("an invalid email is explained next to the field", async ({ page }) => {
    await page.goto("/signin");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("x");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
  });

  test("signing out ends the session", async ({ page }) => {
    // Signing out ends every session of the account, so not a demo account whose saved session other tests use.
    await signIn(page, await throwawayUser());
    await expect(page).toHaveURL(/\/queue$/);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expectSignedOut(page);
    await page.goto("/queue");
    await expectSignedOut(page);
  });

  test("an inactive user is refused", async ({ page }) => {
    const email = await withDb(async (db) => {
      const r = await db.query<{ email: string }>(`SELECT email FROM "User" WHERE active = false LIMIT 1`);
      return r.rows[0]?.email;
    });
    expect(email, "the demo seed has a deactivated rep").toBeTruthy();
    await signIn(page, email!);
    await expect(page.getByRole("alert").filter({ hasText: "deactivated" })).toBeVisible();
    await expect(page).toHaveURL(/\/signin/);
  });
});

test.describe("signed out", () => {
  for (const path of ["/", "/queue", "/dashboards/adoption", "/admin/catalog", "/customers/123"]) {
    test(`visiting ${path} lands on /signin`, async ({ page }) => {
      await page.goto(path);
      await expectSignedOut(page);
    });
  }

  test("internal API calls get 401 JSON", async ({ request }) => {
    for (const path of ["/api/anything", "/api/dashboards/stream"]) {
      const res = await request.get(path);
      expect(res.status()).toBe(401);
      expect((await res.json()).error.code).toBe("UNAUTHENTICATED");
    }
  });

  test("health answers without a session", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "up" });
  });
});

test.describe("roles", () => {
  test.use({ storageState: storageState("rep") });

  for (const path of ["/admin/catalog", "/dashboards/adoption"]) {
    test(`a rep opening ${path} gets the not-allowed page`, async ({ page }) => {
      const res = await page.goto(path);
      expect(res?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
      await expect(page.getByRole("table")).toHaveCount(0);
    });
  }

  test("a rep asking for the dashboards' stream of stored views gets 403", async ({ request }) => {
    const res = await request.get("/api/dashboards/stream");
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe("FORBIDDEN");
  });

  test("a rep sees only the links their role can use", async ({ page }) => {
    await page.goto("/queue");
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Queue" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Catalog" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Adoption" })).toHaveCount(0);
  });
});

test.describe("manager", () => {
  test.use({ storageState: storageState("manager") });
  test("a manager's page can listen to the dashboards' stream of stored views", async ({ page }) => {
    await page.goto("/dashboards/adoption");
    const first = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const stream = new EventSource("/api/dashboards/stream");
          stream.addEventListener("ready", (e) => {
            resolve((e as MessageEvent<string>).data);
            stream.close();
          });
          stream.onerror = () => {
            resolve("error");
            stream.close();
          };
        }),
    );
    expect(first).toBe("live");
  });

  test("a manager opening the admin catalog gets 403", async ({ page }) => {
    const res = await page.goto("/admin/catalog");
    expect(res?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  });
});
