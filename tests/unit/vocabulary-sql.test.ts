import { describe, expect, it } from "vitest";
import { ATTRIBUTION_WINDOW_SQL, CLOSED_SQL, OPEN_SQL, sqlList, sqlLiteral } from "@/lib/data/vocabulary-sql";
import { Prisma } from "@/lib/generated/prisma/client";

describe("vocabulary SQL fragments", () => {
  it("inline the status groups as literal lists, with no bind parameters", () => {
    const q = Prisma.sql`SELECT 1 WHERE status IN ${OPEN_SQL} AND x = ${42} AND status NOT IN ${CLOSED_SQL}`;
    expect(q.sql).toBe(`SELECT 1 WHERE status IN ('PENDING', 'ACCEPTED', 'SNOOZED') AND x = ? AND status NOT IN ('DISMISSED', 'DONE', 'EXPIRED')`);
    expect(q.values).toEqual([42]);
  });

  it("write the attribution window as an interval", () => {
    expect(Prisma.sql`now() - ${ATTRIBUTION_WINDOW_SQL}`.sql).toBe("now() - interval '14 days'");
  });

  it("refuse anything that is not a vocabulary constant", () => {
    expect(() => sqlList(["PENDING", "x'); DROP TABLE y; --"])).toThrow();
    expect(() => sqlList([])).toThrow();
    expect(() => sqlLiteral("pending")).toThrow();
    expect(sqlLiteral("EXPIRED").sql).toBe("'EXPIRED'");
  });
});
