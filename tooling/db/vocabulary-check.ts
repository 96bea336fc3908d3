// Checks that what the database spells out by itself agrees with the domain
// vocabulary (lib/domain/vocabulary.ts): the attribution window of the outcome
// triggers, the open statuses of the one-open-suggestion index, and the
// acted-on statuses the outcome functions and triggers test. Migrations are
// immutable SQL, so instead of generating them we read back what is installed.
import { ACTED_ON_STATUSES, ATTRIBUTION_WINDOW_DAYS, OPEN_STATUSES } from "@/lib/domain/vocabulary";
import type { SqlConn } from "./sql";

/** Functions and triggers whose status tests mean "acted on" (accepted or done). */
export const ACTED_ON_FUNCTIONS = ["nudge_refresh_outcomes", "nudge_recommendations_inserted"] as const;
export const ACTED_ON_TRIGGERS = ["Recommendation_outcomes_update"] as const;
export const OPEN_INDEX = "Recommendation_open_customer_action_key";

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Every status test in a piece of SQL: `IN ('A', 'B')`, `= ANY (ARRAY['A'::…, 'B'::…])` or `= 'A'::…` (Postgres's rendering of a one-item IN). */
export function statusLists(sql: string): string[][] {
  const lists: string[][] = [];
  const re = /status"?\s*(?:IN\s*\(([^)]*)\)|=\s*ANY\s*\(\s*(?:\(\s*)?ARRAY\s*\[([^\]]*)\]|=\s*('[A-Z_]+'))/gi;
  for (const m of sql.matchAll(re)) {
    const body = m[1] ?? m[2] ?? m[3] ?? "";
    lists.push([...body.matchAll(/'([A-Z_]+)'/g)].map((x) => x[1]!));
  }
  return lists;
}

/** Each disagreement as a sentence; empty when the database and the vocabulary agree. */
export async function vocabularyMismatches(conn: SqlConn): Promise<string[]> {
  const problems: string[] = [];

  const [win] = await conn.query<{ days: number | null }>(
    `SELECT EXTRACT(EPOCH FROM nudge_attribution_window()) / 86400 AS days`,
  );
  const days = win?.days === null || win?.days === undefined ? null : Number(win.days);
  if (days !== ATTRIBUTION_WINDOW_DAYS) {
    problems.push(`nudge_attribution_window() is ${days} days; the vocabulary's ATTRIBUTION_WINDOW_DAYS is ${ATTRIBUTION_WINDOW_DAYS}`);
  }

  const [index] = await conn.query<{ def: string }>(`SELECT pg_get_indexdef(c.oid) AS def FROM pg_class c WHERE c.relname = $1`, [OPEN_INDEX]);
  if (!index) problems.push(`index ${OPEN_INDEX} is missing`);
  else {
    const lists = statusLists(index.def);
    if (lists.length !== 1 || !sameSet(lists[0]!, OPEN_STATUSES)) {
      problems.push(`index ${OPEN_INDEX} treats ${JSON.stringify(lists)} as open; the vocabulary's OPEN_STATUSES is ${JSON.stringify(OPEN_STATUSES)}`);
    }
  }

  for (const fn of ACTED_ON_FUNCTIONS) {
    const [row] = await conn.query<{ src: string }>(`SELECT prosrc AS src FROM pg_proc WHERE proname = $1`, [fn]);
    if (!row) {
      problems.push(`function ${fn}() is missing`);
      continue;
    }
    const lists = statusLists(row.src);
    if (lists.length === 0) problems.push(`function ${fn}() no longer tests a status; update tooling/db/vocabulary-check.ts`);
    for (const l of lists) {
      if (!sameSet(l, ACTED_ON_STATUSES)) problems.push(`function ${fn}() treats ${JSON.stringify(l)} as acted on; the vocabulary's ACTED_ON_STATUSES is ${JSON.stringify(ACTED_ON_STATUSES)}`);
    }
  }

  for (const trigger of ACTED_ON_TRIGGERS) {
    const [row] = await conn.query<{ def: string }>(`SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgname = $1`, [trigger]);
    if (!row) {
      problems.push(`trigger ${trigger} is missing`);
      continue;
    }
    const lists = statusLists(row.def);
    if (lists.length === 0) problems.push(`trigger ${trigger} no longer tests a status; update tooling/db/vocabulary-check.ts`);
    for (const l of lists) {
      if (!sameSet(l, ACTED_ON_STATUSES)) problems.push(`trigger ${trigger} treats ${JSON.stringify(l)} as acted on; the vocabulary's ACTED_ON_STATUSES is ${JSON.stringify(ACTED_ON_STATUSES)}`);
    }
  }
  return problems;
}
