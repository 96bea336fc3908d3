import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { storageState, withDb } from "./support";

// The manager dashboards on the demo seed, as the demo manager (team North),
// the admin (all teams) and a rep (not allowed).
const PAGES = [
  { path: "/dashboards/adoption", heading: "Adoption", shot: "adoption" },
  { path: "/dashboards/conversion", heading: "Conversion", shot: "conversion" },
  { path: "/dashboards/model", heading: "Model quality", shot: "model" },
] as const;

const teamId = (name: string) => withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Team" WHERE name = $1`, [name])).rows[0]!.id);
const repNames = (team: string) =>
  withDb(async (db) => (await db.query<{ name: string }>(`SELECT u.name FROM "User" u JOIN "Team" t ON t.id = u."teamId" WHERE t.name = $1 AND u.role = 'REP'`, [team])).rows.map((r) => r.name));

const card = (page: Page, title: string | RegExp) => page.locator("section").filter({ has: page.getByRole("heading", { level: 2, name: title }) });
const kpi = (page: Page, label: string) => page.locator("dl div").filter({ has: page.locator("dt", { hasText: label }) }).locator("dd").first();

/** Cells as the CSV writes them: "$1,234" -> "1234", "22.7%" -> "22.7", "+1.2 pts" -> "1.2", "—" -> "", "Nov 20, 2026" -> "2026-11-20". */
function normalise(cell: string): string {
  const t = cell.trim();
  if (t === "—") return "";
  // Dates: the table shows "Nov 20, 2026", the CSV "2026-11-20".
  if (/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/.test(t)) return new Date(`${t} 12:00 UTC`).toISOString().slice(0, 10);
  const m = /^([+-]?)\$?([\d,]+(?:\.\d+)?)(%| pts| min)?$/.exec(t);
  return m ? String(Number(`${m[1] === "-" ? "-" : ""}${m[2]!.replace(/,/g, "")}`)) : t;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else if (ch !== "\r") field += ch;
  }
  return rows;
}

async function tableRows(section: Locator): Promise<string[][]> {
  const details = section.locator("details");
  if (await details.count()) {
    await details.locator("summary").click();
  }
  const table = section.locator("table");
  await expect(table).toBeVisible();
  return table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((c) => (c.textContent ?? "").trim())));
}

test.describe("as the demo manager", () => {
  test.use({ storageState: storageState("manager"), viewport: { width: 1440, height: 900 } });

  for (const p of PAGES) {
    test(`${p.heading} renders charts with the seed's data`, async ({ page }) => {
      const res = await page.goto(p.path);
      expect(res?.status()).toBe(200);
      await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
      await expect(page.getByText("North ·")).toBeVisible();
      // Every chart card draws an SVG; none is empty on the demo seed.
      const charts = page.locator("section[data-chart]");
      expect(await charts.count()).toBeGreaterThan(3);
      await expect(page.locator(".recharts-surface").first()).toBeVisible();
      expect(await page.locator(".recharts-surface").count()).toBeGreaterThanOrEqual(3);
      await expect(page.getByText("No data for this period.")).toHaveCount(0);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `test-results/screenshots/${p.shot}-1440.png`, fullPage: true });
    });
  }

  test("changing the date range changes the figures and the URL", async ({ page }) => {
    await page.goto("/dashboards/conversion");
    const shown = kpi(page, "Shown");
    const before = await shown.textContent();
    await page.getByRole("button", { name: "30 days" }).click();
    await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/);
    await expect(page.getByRole("button", { name: "30 days" })).toHaveAttribute("aria-pressed", "true");
    await expect(shown).not.toHaveText(before ?? "");
    const url = new URL(page.url());
    const days = (Date.parse(url.searchParams.get("to")!) - Date.parse(url.searchParams.get("from")!)) / 86_400_000 + 1;
    expect(days).toBe(30);
    // The typed range is in the URL too, and a shared link reproduces it.
    await page.getByLabel("From").fill("2026-09-01");
    await expect(page).toHaveURL(/from=2026-09-01/);
    const shared = page.url();
    const figure = await shown.textContent();
    await page.goto(shared);
    await expect(shown).toHaveText(figure ?? "");
  });

  test("the action type filter changes the figures and the URL", async ({ page }) => {
    await page.goto("/dashboards/adoption");
    const shown = kpi(page, "Recommendations shown");
    const before = await shown.textContent();
    await page.getByRole("combobox", { name: "Action type" }).selectOption({ label: "Cross-sell" });
    await expect(page).toHaveURL(/action=cross_sell/);
    await expect(shown).not.toHaveText(before ?? "");
  });

  test("CSV downloads hold the same numbers as the tables", async ({ page }) => {
    // Four dashboard loads and four downloads: ~13 s alone, more beside the other worker.
    test.setTimeout(90_000);
    for (const [path, title] of [
      ["/dashboards/conversion", /^Funnel/],
      ["/dashboards/conversion", /^Treated vs control/],
      ["/dashboards/adoption", /^Reps: usage/],
      ["/dashboards/model", /^Calibration/],
    ] as const) {
      await page.goto(path);
      const section = card(page, title);
      const rows = await tableRows(section);
      expect(rows.length).toBeGreaterThan(0);
      const [download] = await Promise.all([page.waitForEvent("download"), section.getByRole("button", { name: /Download CSV/ }).click()]);
      const csv = parseCsv(await readFile((await download.path())!, "utf8"));
      expect(csv.slice(1).map((r) => r.map(normalise))).toEqual(rows.map((r) => r.map(normalise)));
    }
  });

  test("cannot see another team by URL tampering", async ({ page }) => {
    const south = await teamId("South");
    const southReps = await repNames("South");
    for (const p of PAGES) {
      const res = await page.goto(`${p.path}?team=${south}`);
      expect(res?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
      for (const name of southReps) await expect(page.getByText(name)).toHaveCount(0);
    }
    // Own team's page lists only North reps; there is no team picker to tamper with.
    await page.goto("/dashboards/adoption");
    await expect(page.getByRole("combobox", { name: "Team" })).toHaveCount(0);
    const listed = await card(page, /^Reps: usage/).locator("tbody th").allTextContents();
    expect(listed.sort()).toEqual((await repNames("North")).sort());
  });

  test("invalid filters fall back with a visible note", async ({ page }) => {
    const res = await page.goto("/dashboards/model?from=yesterday&to=2026-02-30");
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("note").first()).toContainText('Ignored start date "yesterday"');
    await expect(page.getByRole("heading", { level: 1, name: "Model quality" })).toBeVisible();
  });

  test("pages do not overflow at 380 px", async ({ page }) => {
    await page.setViewportSize({ width: 380, height: 800 });
    for (const p of PAGES) {
      await page.goto(p.path);
      await expect(page.locator(".recharts-surface").first()).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${p.path} scrolls sideways`).toBeLessThanOrEqual(0);
    }
  });
});

test.describe("as the admin", () => {
  test.use({ storageState: storageState("admin") });

  test("picking a team changes the figures and the URL", async ({ page }) => {
    await page.goto("/dashboards/conversion");
    await expect(page.getByText("All teams ·")).toBeVisible();
    const shown = kpi(page, "Shown");
    const all = await shown.textContent();
    await page.getByRole("combobox", { name: "Team" }).selectOption({ label: "South" });
    await expect(page).toHaveURL(new RegExp(`team=${await teamId("South")}`));
    await expect(page.getByText("South ·")).toBeVisible();
    await expect(shown).not.toHaveText(all ?? "");
  });
});

test.describe("as a rep", () => {
  test.use({ storageState: storageState("rep") });

  test("gets the not-allowed page", async ({ page }) => {
    for (const p of PAGES) {
      const res = await page.goto(p.path);
      expect(res?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    }
  });
});
