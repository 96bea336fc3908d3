import { expect, test } from "@playwright/test";
import { screenshot, storageState } from "./support";

test.describe("the admin's navigation at 380 px", () => {
  test.use({ storageState: storageState("admin"), viewport: { width: 380, height: 800 } });

  test("one row; the active page's link reads in full; the rest are in More", async ({ page }) => {
    await page.goto("/admin/users");
    const nav = page.getByRole("navigation", { name: "Main" });
    const active = nav.locator("a[aria-current=page]");
    await expect(active).toHaveText("Users");
    // Not cut: the link's text fits its box, and the box is inside the viewport.
    expect(await active.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const box = (await active.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(380);
    expect((await page.locator("header").boundingBox())!.height).toBeLessThanOrEqual(48);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Every other page is one tap away, in the menu.
    await nav.getByRole("button", { name: "More" }).click();
    for (const label of ["Catalog", "Holdout", "API keys", "Audit"]) await expect(nav.getByRole("link", { name: label })).toBeVisible();
    await screenshot(page, "admin-nav-380");
    await page.keyboard.press("Escape");
    await expect(nav.getByRole("link", { name: "Audit" })).toBeHidden();
    await expect(nav.getByRole("button", { name: "More" })).toBeFocused();
    await nav.getByRole("button", { name: "More" }).click();
    await nav.getByRole("link", { name: "Audit" }).click();
    await expect(page).toHaveURL(/\/admin\/audit/);
    await expect(nav.locator("a[aria-current=page]")).toHaveText("Audit");
  });

  for (const width of [360, 380]) {
    test(`at ${width} px nothing in the bar runs under the search button, on the page with the longest label`, async ({ page }) => {
      await page.setViewportSize({ width, height: 800 });
      await page.goto("/dashboards/adoption");
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(nav.locator("a[aria-current=page]")).toHaveText("Dashboards");
      const search = (await page.getByRole("button", { name: "Search and commands" }).first().boundingBox())!;
      const more = (await nav.getByRole("button", { name: "More" }).boundingBox())!;
      expect(more.x + more.width).toBeLessThanOrEqual(search.x);
      const links = nav.getByRole("link");
      for (let i = 0; i < (await links.count()); i++) {
        const box = await links.nth(i).boundingBox();
        if (box) expect(box.x + box.width, `${await links.nth(i).textContent()} ends before the search button`).toBeLessThanOrEqual(search.x);
      }
      await nav.getByRole("button", { name: "More" }).click();
      await expect(nav.getByRole("link", { name: "Customers" })).toBeVisible();
    });
  }
});

test("a sign-in form error takes focus", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("Email")).toBeFocused();
  await page.getByLabel("Email").fill("nobody@nudge.test");
  await page.getByLabel("Password").fill("wrong-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "don't match" })).toBeFocused();
});

test.describe("the admin's navigation on a desktop", () => {
  test.use({ storageState: storageState("admin") });

  for (const width of [1280, 1440]) {
    test(`at ${width} px no link runs under the search button, and the rest are in More`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/admin/import");
      const nav = page.getByRole("navigation", { name: "Main" });
      const search = (await page.getByRole("button", { name: "Search and commands" }).first().boundingBox())!;
      const links = nav.getByRole("link");
      let shown = 0;
      for (let i = 0; i < (await links.count()); i++) {
        const box = await links.nth(i).boundingBox();
        if (!box) continue; // in the closed menu
        shown += 1;
        expect(box.x + box.width, `${await links.nth(i).textContent()} ends before the search button`).toBeLessThanOrEqual(search.x);
      }
      expect(shown).toBeGreaterThanOrEqual(6);
      await nav.getByRole("button", { name: "More" }).click();
      await expect(nav.getByRole("link", { name: "Access record" })).toBeVisible();
      if (width === 1440) await screenshot(page, "admin-nav-1440");
    });
  }
});
