import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Medians read from histograms: `hist` yields rows (...keys, bucket, n) of
 * nudge_latency_bucket buckets (migration 20261208100000_reaction_latency),
 * counts that may be negative corrections; the result is one row per key with
 * "medianMinutes". As percentile_cont(0.5): the mean of the values at 0-based
 * ranks floor((n - 1) / 2) and ceil((n - 1) / 2), each read as the value its
 * bucket stands for (the first bucket whose running count passes the rank),
 * so within 1 % of the exact median. The counts are summed as int8, not
 * numeric (a bucket's count fits in int4), and for total >= 1 the ranks are
 * integer divisions: (total - 1) / 2 = floor((total - 1) / 2.0) and
 * total / 2 = ceil((total - 1) / 2.0).
 */
export function histogramMediansSql(hist: Prisma.Sql, keys: readonly string[]): Prisma.Sql {
  const k = Prisma.raw(keys.map((key) => `"${key}"`).join(", "));
  return Prisma.sql`
    SELECT ${k}, ((nudge_latency_value(MIN(bucket) FILTER (WHERE cum > (total - 1) / 2)) +
                   nudge_latency_value(MIN(bucket) FILTER (WHERE cum > total / 2))) / 2)::float8 AS "medianMinutes"
    FROM (SELECT ${k}, bucket, SUM(n) OVER (PARTITION BY ${k} ORDER BY bucket) AS cum, SUM(n) OVER (PARTITION BY ${k}) AS total
          FROM (SELECT ${k}, bucket, n::int AS n FROM (${hist}) h0) h WHERE n <> 0) c
    WHERE total > 0
    GROUP BY ${k}`;
}
