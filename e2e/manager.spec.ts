import { readFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { KPIS } from "../lib/metrics/kpi-definitions";
import { storageState, withDb } from "./support";

// The manager dashboards on the demo seed, as the demo manager (team North),
// the admin (all teams) and a rep (not allowed).
const PAGES = [
  { path: "/dashboards/adoption", heading: "Adoption", shot: "adoption" },
  { path: "/dashboards/conversion", heading: "Impact", shot: "impact" },
  { path: "/dashboards/model", heading: "Model quality", shot: "model" },
] as const;
/** Every dashboard a manager may open, the review (no charts) included. */
const ALL_PAGES = [...PAGES, { path: "/dashboards/sentiment", heading: "Customer sentiment", shot: "sentiment" }, { path: "/dashboards/review", heading: "Periodic review", shot: "review" }] as const;

const teamId = (name: string) => withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "Team" WHERE name = $1`, [name])).rows[0]!.id);
const repNames = (team: string) =>
  withDb(async (db) => (await db.query<{ name: string }>(`SELECT u.name FROM "User" u JOIN "Team" t ON t.id = u."teamId" WHERE t.name = $1 AND u.role = 'REP'`, [team])).rows.map((r) => r.name));

const card = (page: Page, title: string | RegExp) => page.locator("section[data-chart]").filter({ has: page.getByRole("heading", { level: 2, name: title }) });
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
    const shown = kpi(page, "Treated customers");
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
      ["/dashboards/conversion", /^Conversion by action type: shown vs held back/],
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
    test.setTimeout(90_000); // every dashboard twice (refused, then the adoption page with its engagement figures)
    const south = await teamId("South");
    const southReps = await repNames("South");
    for (const p of ALL_PAGES) {
      const res = await page.goto(`${p.path}?team=${south}`);
      expect(res?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
      for (const name of southReps) await expect(page.getByText(name)).toHaveCount(0);
    }
    // Own team's page lists only North reps; there is no team picker to tamper with.
    // Other journeys running beside this one add throwaway reps to North: the page lists every North rep that existed
    // before it was asked for, and nobody who is not a North rep once it has been read.
    const northBefore = await repNames("North");
    await page.goto("/dashboards/adoption");
    await expect(page.getByRole("combobox", { name: "Team" })).toHaveCount(0);
    const listed = await card(page, /^Reps: usage/).locator("tbody th").allTextContents();
    const northAfter = await repNames("North");
    const count = (names: string[]) => names.reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map<string, number>());
    const [before, shown, after] = [count(northBefore), count(listed), count(northAfter)];
    for (const [name, n] of before) expect(shown.get(name) ?? 0, name).toBeGreaterThanOrEqual(n);
    for (const [name, n] of shown) expect(n, name).toBeLessThanOrEqual(after.get(name) ?? 0);
  });

  test("invalid filters fall back with a visible note", async ({ page }) => {
    const res = await page.goto("/dashboards/model?from=yesterday&to=2026-02-30");
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("note").first()).toContainText('Ignored start date "yesterday"');
    await expect(page.getByRole("heading", { level: 1, name: "Model quality" })).toBeVisible();
  });

  test("Impact: one KPI picker drives the program, the actions and the adopters, with each KPI's definition", async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto("/dashboards/conversion");
    await expect(page.getByRole("heading", { level: 1, name: "Impact" })).toBeVisible();
    const picker = page.getByRole("combobox", { name: "Business KPI" });
    await expect(picker).toHaveValue("conversion");
    const definition = page.locator("[data-kpi-definition]");
    await expect(definition).toHaveText(KPIS.conversion.definition);
    // The program against the global holdout, with every figure of the comparison.
    const program = page.locator("section").filter({ has: page.getByRole("heading", { level: 2, name: "The program: treated customers vs the global holdout" }) });
    for (const label of ["Treated customers", "Global holdout", "Difference", "95% interval", "p-value", "Detectable now (MDE)", "Time to detect", "Split check"]) {
      await expect(program.locator("dt", { hasText: label }).first()).toBeVisible();
    }
    await expect(program.locator("[data-statement]")).toContainText(/Treated customers' conversion was|No (treated|control) customers/);
    // Each action against its own control: MDE, time to detect and the split check per row.
    const actions = card(page, /^Conversion by action type: shown vs held back/);
    await expect(actions.locator("thead")).toContainText("MDE now");
    await expect(actions.locator("thead")).toContainText("Time to detect");
    await expect(actions.locator("thead")).toContainText("Split");
    expect(await actions.locator("tbody tr").count()).toBeGreaterThan(2);
    await expect(actions.locator("tbody td").filter({ hasText: /^±/ }).first()).toBeVisible();
    // Adopters, with the plain warning.
    await expect(page.getByRole("heading", { level: 2, name: "Heavy vs light adopters" })).toBeVisible();
    await expect(page.getByText("Not a causal comparison.")).toBeVisible();
    await expect(page.getByText("Better reps may simply adopt more")).toBeVisible();
    // The two conversion figures, explained side by side.
    await expect(page.getByText("Conversion of accepted recommendations")).toBeVisible();
    await expect(page.getByText("Treated vs control conversion (intention to treat)")).toBeVisible();

    // Order value: a mean in dollars.
    await picker.selectOption({ label: KPIS.orderValue.label });
    await expect(page).toHaveURL(/kpi=orderValue/);
    await expect(definition).toHaveText(KPIS.orderValue.definition);
    await expect(card(page, /^Order value by action type/)).toBeVisible();
    await expect(program.locator("dd").filter({ hasText: /^\$/ }).first()).toBeVisible();
    // Churn: lower is better; the other filters stay in the URL.
    await page.getByRole("button", { name: "30 days" }).click();
    await expect(page).toHaveURL(/from=.*kpi=orderValue|kpi=orderValue.*from=/);
    await page.getByRole("combobox", { name: "Business KPI" }).selectOption({ label: KPIS.churn.label });
    await expect(page).toHaveURL(/kpi=churn/);
    await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}/);
    await expect(definition).toHaveText(KPIS.churn.definition);
    await expect(page.getByText("lower is better")).toBeVisible();
  });

  test("Impact: an unknown KPI falls back to conversion with a note", async ({ page }) => {
    const res = await page.goto("/dashboards/conversion?kpi=happiness");
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("note").first()).toContainText('Ignored KPI "happiness"');
    await expect(page.getByRole("combobox", { name: "Business KPI" })).toHaveValue("conversion");
  });

  test("the grain switch buckets the series by month", async ({ page }) => {
    test.setTimeout(60_000);
    await page.goto("/dashboards/adoption");
    await expect(card(page, "Active reps per week (% of team)")).toBeVisible();
    await page.getByRole("group", { name: "Group by" }).getByRole("button", { name: "Month" }).click();
    await expect(page).toHaveURL(/grain=month/);
    const monthly = card(page, "Active reps per month (% of team)");
    const rows = await tableRows(monthly);
    // "Nov 2026", not "week of …": one row per calendar month of the 90 days.
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThanOrEqual(4);
    for (const r of rows) expect(r[0]).toMatch(/^[A-Z][a-z]{2} \d{4}$/);
    // The grain is kept across tabs, and the Impact page buckets its program by month too.
    await page.getByRole("navigation", { name: "Dashboards" }).getByRole("link", { name: "Impact" }).click();
    await expect(page).toHaveURL(/\/dashboards\/conversion\?.*grain=month/);
    await expect(card(page, /^The program by month/)).toBeVisible();
  });

  test("the periodic review compares the last complete period with the one before, and prints without navigation or filters", async ({ page }) => {
    test.setTimeout(90_000);
    const res = await page.goto("/dashboards/review");
    expect(res?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: "Periodic review" })).toBeVisible();
    await expect(page.getByText(/North · week of .* \(7 days\) · compared with week of/)).toBeVisible();
    for (const h of ["Recommendations", "Business KPIs of treated customers", "Program uplift: treated vs the global holdout", "Adoption", "Model quality", "Catalog changes"]) {
      await expect(page.getByRole("heading", { level: 2, name: h, exact: true })).toBeVisible();
    }
    // Quarterly: the grain moves the period to the last complete quarter.
    await page.getByRole("group", { name: "Group by" }).getByRole("button", { name: "Quarter" }).click();
    await expect(page).toHaveURL(/grain=quarter/);
    await expect(page.getByText(/North · \d{4} Q\d \(9\d days\) · compared with \d{4} Q\d/)).toBeVisible();
    await expect(page.getByRole("combobox", { name: "Period" })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/review-1440.png", fullPage: true });

    await expect(page.getByRole("button", { name: "Print" })).toBeVisible();
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("navigation", { name: "Dashboards" })).toBeHidden();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await expect(page.getByRole("form", { name: "Dashboard filters" })).toBeHidden();
    await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
    await expect(page.getByRole("heading", { level: 2, name: "Program uplift: treated vs the global holdout" })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/review-print.png", fullPage: true });
    await page.emulateMedia({ media: "screen" });
  });

  // Adoption, Impact and Model quality are held to no axe violation of any impact; sentiment and the review to no
  // serious or critical one, until their moderate findings are reviewed (issue 15).
  const STRICT = new Set<string>(["/dashboards/adoption", "/dashboards/conversion", "/dashboards/model"]);
  for (const p of ALL_PAGES) {
    test(`${p.heading} at 380 and 1440 px, tables closed and open: no accessibility violation, every 'N of M' with N within M`, async ({ page }) => {
      test.setTimeout(180_000);
      for (const width of [1440, 380]) {
        await page.setViewportSize({ width, height: width === 380 ? 800 : 900 });
        await page.goto(p.path);
        await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
        await page.waitForTimeout(300);
        await page.screenshot({ path: `test-results/screenshots/${p.shot}-${width}.png`, fullPage: true });
        for (const state of ["closed", "open"] as const) {
          if (state === "open") for (const summary of await page.locator("details > summary").all()) await summary.click();
          const results = await new AxeBuilder({ page }).analyze();
          const found = STRICT.has(p.path) ? results.violations : results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
          expect(found.map((v) => `${p.path} at ${width} px, tables ${state}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
        }
      }
      // Shares written as "N of M" (reps active, customers reached...) never put more above the line than below it.
      const text = await page.locator("main").innerText();
      for (const m of text.matchAll(/(\d[\d,]*) of (\d[\d,]*)/g)) {
        const [n, of] = [Number(m[1]!.replace(/,/g, "")), Number(m[2]!.replace(/,/g, ""))];
        expect(n, `${p.path}: "${m[0]}"`).toBeLessThanOrEqual(of);
      }
    });
  }

  test("pages do not overflow at 380 px", async ({ page }) => {
    await page.setViewportSize({ width: 380, height: 800 });
    for (const p of ALL_PAGES) {
      await page.goto(p.path);
      await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
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
    const shown = kpi(page, "Treated customers");
    const all = await shown.textContent();
    await page.getByRole("combobox", { name: "Team" }).selectOption({ label: "South" });
    await expect(page).toHaveURL(new RegExp(`team=${await teamId("South")}`));
    await expect(page.getByText("South ·")).toBeVisible();
    await expect(shown).not.toHaveText(all ?? "");
  });
});

test.describe("as the admin, the Impact page", () => {
  test.use({ storageState: storageState("admin") });

  test("breaks the program down by every team", async ({ page }) => {
    await page.goto("/dashboards/conversion");
    const teams = await withDb(async (db) => (await db.query<{ name: string }>(`SELECT DISTINCT t.name FROM "Team" t JOIN "User" u ON u."teamId" = t.id JOIN "Customer" c ON c."ownerId" = u.id JOIN "HoldoutAssignment" ha ON ha."customerId" = c.id`)).rows.map((r) => r.name));
    const byTeam = card(page, /^The program by team/);
    await expect(byTeam).toBeVisible();
    const listed = await byTeam.locator("tbody th").allTextContents();
    expect(listed.sort()).toEqual(teams.sort());
  });
});

test.describe("as a rep", () => {
  test.use({ storageState: storageState("rep") });

  test("gets the not-allowed page", async ({ page }) => {
    for (const p of ALL_PAGES) {
      const res = await page.goto(p.path);
      expect(res?.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
    }
  });
});
