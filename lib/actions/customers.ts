"use server";
import { z } from "zod";
import { authedAction } from "@/lib/auth/action";
import { rowScope } from "@/lib/auth/permissions";
import { listCustomers } from "@/lib/data/customers";
import { customerFiltersSchema } from "@/lib/validation/customers";
import { safeText } from "@/lib/validation/postgres-safe";

const PALETTE_CUSTOMER_LIMIT = 6;

/**
 * The command palette's "go to a customer": the customer list's own search
 * (name, company, email, exact external id) in the caller's row scope, first
 * few by name.
 */
export const searchCustomersAction = authedAction("customers.view", z.object({ q: safeText(100, { min: 2, tooShort: "Type at least 2 characters" }) }), async (user, input) => {
  const { rows, total } = await listCustomers(rowScope(user), customerFiltersSchema.parse({ q: input.q }));
  return { total, customers: rows.slice(0, PALETTE_CUSTOMER_LIMIT).map((c) => ({ id: c.id, name: c.name, company: c.company, externalId: c.externalId })) };
});
