import { z } from "zod";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from "./retention-limits";
import { strictNumberInput } from "./postgres-safe";

// The admin's data-rights forms: erasure (confirmed by typing the external id),
// the retention period, a manual retention run.

export const eraseCustomerSchema = z.object({
  customerId: z.guid("Unknown customer"),
  /** The admin types the customer's external id to confirm. */
  confirm: z.string().trim().min(1, "Type the customer's external id to confirm"),
});

export const retentionDaysSchema = z.object({
  eventRetentionDays: z.preprocess(
    strictNumberInput,
    z
      .number({ message: "Enter a whole number of days" })
      .int("Enter a whole number of days")
      .min(MIN_RETENTION_DAYS, `At least ${MIN_RETENTION_DAYS} days: the engine's signals look back 90 days and outcomes 14 more`)
      .max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days (10 years)`),
  ),
});

export const runRetentionSchema = z.object({});
