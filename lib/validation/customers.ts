import { z } from "zod";
import { safeText } from "./postgres-safe";

export const CUSTOMER_SORTS = ["name", "renewal", "value", "newest"] as const;
export const SEGMENTS = ["SMB", "MID_MARKET", "ENTERPRISE"] as const;

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const blankToUndefined = (v: unknown) => {
  const x = one(v);
  return typeof x === "string" && x.trim() === "" ? undefined : x;
};

// Query-string filters of /customers. Anything malformed falls back to the
// default instead of failing the page; `issues` lists what was ignored.
export const customerFiltersSchema = z.object({
  // Searched in Postgres: NUL or a lone surrogate would fail the query, so such a value is ignored.
  q: z.preprocess(blankToUndefined, safeText(100).optional()).catch(undefined),
  segment: z.preprocess(blankToUndefined, safeText(40).optional()).catch(undefined),
  open: z.preprocess(blankToUndefined, z.enum(["1"]).optional()).catch(undefined),
  renewal: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(365).optional()).catch(undefined),
  sort: z.preprocess(blankToUndefined, z.enum(CUSTOMER_SORTS).default("name")).catch("name"),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(1)).catch(1),
});
export type CustomerFilters = z.infer<typeof customerFiltersSchema>;

export function parseCustomerFilters(params: Record<string, string | string[] | undefined>): CustomerFilters {
  return customerFiltersSchema.parse(params);
}
