import { describe, expect, it } from "vitest";
import { repUsageStatus } from "@/lib/metrics/adoption";
import { toCsv } from "@/lib/metrics/csv";
import { filterRange, parseDashboardFilters } from "@/lib/validation/dashboard-filters";

const end = new Date("2026-06-30T00:00:00Z");

describe("repUsageStatus", () => {
  it("flags a rep with no activity in the last 14 days as stopped", () => {
    expect(repUsageStatus({ accountActive: true, lastActiveAt: new Date("2026-06-15T23:59:59Z"), periodEnd: end })).toBe("stopped");
    expect(repUsageStatus({ accountActive: true, lastActiveAt: new Date("2026-06-16T00:00:00Z"), periodEnd: end })).toBe("active");
  });
  it("tells never-signed-in and deactivated reps apart", () => {
    expect(repUsageStatus({ accountActive: true, lastActiveAt: null, periodEnd: end })).toBe("never");
    expect(repUsageStatus({ accountActive: false, lastActiveAt: end, periodEnd: end })).toBe("deactivated");
  });
});

describe("toCsv", () => {
  it("quotes commas, quotes and line breaks and ends lines with CRLF", () => {
    expect(toCsv(["Rep", "Rate (%)"], [["Kim, Noah", 22.7], ['Say "hi"', null], ["two\nlines", -1.5]])).toBe('Rep,Rate (%)\r\n"Kim, Noah",22.7\r\n"Say ""hi""",\r\n"two\nlines",-1.5\r\n');
  });
  it("defuses spreadsheet formulas in text cells", () => {
    expect(toCsv(["a"], [["=SUM(A1)"], ["+1"]])).toBe("a\r\n'=SUM(A1)\r\n'+1\r\n");
  });
});

describe("parseDashboardFilters", () => {
  const now = new Date("2026-11-23T15:00:00Z");
  it("defaults to the last 90 days including today", () => {
    const { filters, notes } = parseDashboardFilters({}, now);
    expect(filters).toEqual({ from: "2026-08-26", to: "2026-11-23", team: null, action: null, segment: null, grain: "week" });
    expect(notes).toEqual([]);
    expect(filterRange(filters)).toEqual({ from: new Date("2026-08-26T00:00:00Z"), toExclusive: new Date("2026-11-24T00:00:00Z"), days: 90 });
  });
  it("keeps valid filters", () => {
    const team = "3f1c2a9e-8d4b-4c1a-9e2f-1a2b3c4d5e6f";
    expect(parseDashboardFilters({ from: "2026-10-01", to: "2026-10-31", team, action: "cross_sell", segment: "SMB", grain: "quarter" }, now).filters).toEqual({
      from: "2026-10-01",
      to: "2026-10-31",
      team,
      action: "cross_sell",
      segment: "SMB",
      grain: "quarter",
    });
  });
  it("falls back with a visible note for each invalid parameter", () => {
    const { filters, notes } = parseDashboardFilters({ from: "2026-02-30", to: "tomorrow", team: "north", action: "DROP TABLE", segment: "x'; --", grain: "decade" }, now);
    expect(filters).toEqual({ from: "2026-08-26", to: "2026-11-23", team: null, action: null, segment: null, grain: "week" });
    expect(notes).toHaveLength(6);
    expect(notes[0]).toContain('Ignored end date "tomorrow"');
  });
  it("refuses future end dates, inverted and over-long ranges", () => {
    expect(parseDashboardFilters({ to: "2027-01-01" }, now).filters.to).toBe("2026-11-23");
    expect(parseDashboardFilters({ from: "2026-11-20", to: "2026-11-01" }, now).filters).toMatchObject({ from: "2026-08-04", to: "2026-11-01" });
    const long = parseDashboardFilters({ from: "2020-01-01", to: "2026-11-23" }, now);
    expect(long.filters.from).toBe("2025-11-23");
    expect(long.notes[0]).toContain("limited to 366 days");
  });
});
