// The database's own copies of the vocabulary (outcome triggers, the
// one-open-suggestion index) agree with lib/domain/vocabulary.ts, and the
// check really fails when they drift.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusLists, vocabularyMismatches } from "@/tooling/db/vocabulary-check";
import type { SqlConn } from "@/tooling/db/sql";
import { connectPostgres, createDatabase, migrateConn, postgresReachable } from "../support/test-db";

const reachable = await postgresReachable();

describe("statusLists", () => {
  it("reads IN lists and Postgres's ANY(ARRAY[...]) rendering", () => {
    expect(statusLists(`WHERE r.status IN ('ACCEPTED', 'DONE') OR x`)).toEqual([["ACCEPTED", "DONE"]]);
    expect(statusLists(`WHERE (status = ANY (ARRAY['PENDING'::"RecommendationStatus", 'SNOOZED'::"RecommendationStatus"]))`)).toEqual([["PENDING", "SNOOZED"]]);
  });
});

describe.skipIf(!reachable)("the migrated database and the vocabulary", () => {
  let conn: SqlConn;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await createDatabase("nudge_vocab");
    drop = db.drop;
    conn = await connectPostgres(db.url);
    await migrateConn(conn);
  });
  afterAll(async () => {
    await conn?.close();
    await drop?.();
  });

  it("agree", async () => {
    expect(await vocabularyMismatches(conn)).toEqual([]);
  });

  it("the check fails when the triggers' window or status lists drift", async () => {
    await conn.exec(`CREATE OR REPLACE FUNCTION nudge_attribution_window() RETURNS interval LANGUAGE sql IMMUTABLE AS $$ SELECT interval '30 days' $$`);
    await conn.exec(`
      DROP TRIGGER "Recommendation_outcomes_update" ON "Recommendation";
      CREATE TRIGGER "Recommendation_outcomes_update" AFTER UPDATE ON "Recommendation" FOR EACH ROW
        WHEN ((OLD.status IN ('ACCEPTED')) IS DISTINCT FROM (NEW.status IN ('ACCEPTED')))
        EXECUTE FUNCTION nudge_recommendation_decided();
      DROP INDEX "Recommendation_open_customer_action_key";
      CREATE UNIQUE INDEX "Recommendation_open_customer_action_key" ON "Recommendation"("customerId", "actionTypeId") WHERE status IN ('PENDING', 'ACCEPTED');`);
    const problems = await vocabularyMismatches(conn);
    expect(problems[0]).toMatch(/nudge_attribution_window\(\) is 30 days; the vocabulary's ATTRIBUTION_WINDOW_DAYS is 14/);
    expect(problems[1]).toMatch(/Recommendation_open_customer_action_key treats \[\["PENDING","ACCEPTED"\]\] as open/);
    // OLD.status and NEW.status: both tests report.
    expect(problems.slice(2)).toEqual([
      expect.stringMatching(/trigger Recommendation_outcomes_update treats \["ACCEPTED"\] as acted on/),
      expect.stringMatching(/trigger Recommendation_outcomes_update treats \["ACCEPTED"\] as acted on/),
    ]);
  });
});
