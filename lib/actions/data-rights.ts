"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { rowScope } from "@/lib/auth/permissions";
import { customerForRights } from "@/lib/data/data-rights";
import { getCustomerForUser } from "@/lib/data/customers";
import { DomainError } from "@/lib/domain/errors";
import { recordConsent } from "@/lib/services/consent";
import { eraseCustomer } from "@/lib/services/data-rights";
import { runRetention, setRetentionDays } from "@/lib/services/retention";
import { consentFormSchema } from "@/lib/validation/consent";
import { eraseCustomerSchema, retentionDaysSchema, runRetentionSchema } from "@/lib/validation/data-rights";

/** Records a consent change from the customer page: anyone who may see the customer (their rep, the team's manager, an admin). */
export const recordConsentAction = authedAction("customers.view", consentFormSchema, async (user, input) => {
  const customer = await getCustomerForUser(rowScope(user), { id: input.customerId });
  if (!customer) throw new DomainError("NOT_FOUND", "This customer does not exist or is not yours to see.");
  const result = await recordConsent(
    customer.id,
    [{ purpose: input.purpose, channel: input.channel === "ALL" || input.purpose === "PROFILING" ? undefined : input.channel, granted: input.granted, source: input.source }],
    { userId: user.id, source: "customer page" },
  );
  revalidatePath(`/customers/${customer.id}`);
  return result;
});

/** Erases a customer's personal data (admins; the external id typed as confirmation). Repeating it changes nothing. */
export const eraseCustomerAction = authedAction("privacy.manage", eraseCustomerSchema, async (user, input) => {
  const c = await customerForRights(input.customerId);
  if (!c) throw new DomainError("NOT_FOUND", "No such customer.");
  if (!c.erasedAt && input.confirm !== c.externalId) {
    throw new DomainError("INVALID", "The confirmation does not match the customer's external id.", [{ path: "confirm", message: `Type ${c.externalId} exactly` }]);
  }
  const r = await eraseCustomer(c.id, { userId: user.id });
  revalidatePath("/admin/privacy");
  return { alreadyErased: r.alreadyErased, erasedAt: r.erasedAt };
});

/** Sets the retention period of raw events (admins; audited). */
export const setRetentionDaysAction = authedAction("privacy.manage", retentionDaysSchema, async (user, input) => {
  await setRetentionDays(user.id, input.eventRetentionDays);
  revalidatePath("/admin/privacy");
  return { eventRetentionDays: input.eventRetentionDays };
});

/** Runs the retention purge now (admins); the run is recorded with what it removed. */
export const runRetentionAction = authedAction("privacy.manage", runRetentionSchema, async (user) => {
  const r = await runRetention({ trigger: "admin", actorId: user.id });
  revalidatePath("/admin/privacy");
  return { eventsDeleted: r.eventsDeleted, eventsStripped: r.eventsStripped, cutoff: r.cutoff.toISOString() };
});
