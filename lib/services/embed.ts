import "server-only";
import { signEmbedToken, verifyEmbedToken, type EmbedClaims } from "@/lib/auth/embed-token";
import { can, rowScope } from "@/lib/auth/permissions";
import { getCustomerForUser } from "@/lib/data/customers";
import { recommendationOfCustomer } from "@/lib/data/recommendations";
import { currentSessionVersion, getCurrentSessionUser } from "@/lib/data/sessions";
import { getActiveUserByEmail, type SessionUser } from "@/lib/data/users";
import { DomainError } from "@/lib/domain/errors";
import type { ReactionInput } from "@/lib/validation/feedback";
import type { EmbedTokenRequest } from "@/lib/validation/api";
import { reactToRecommendation, type ReactionResult } from "./reactions";

// Use case: the embed panel inside a CRM, signed in by a token the CRM's
// server obtains for a rep and a customer (no cookie crosses sites).

export interface IssuedEmbedToken {
  token: string;
  expiresAt: string;
  /** Path to put in the frame's src, after the app's origin. */
  path: string;
}

/** An exchange token for one active user who may see the customer; 404 when the customer is not theirs to see, as if absent. */
export async function issueEmbedToken(req: EmbedTokenRequest, now = new Date()): Promise<IssuedEmbedToken> {
  const user = await getActiveUserByEmail(req.repEmail);
  if (!user || !can(user.role, "customers.view")) throw new DomainError("NOT_FOUND", "No active Nudge user has this email.", [{ path: "repEmail", message: "No active user" }]);
  const customer = await getCustomerForUser(rowScope(user), { externalId: req.customerExternalId }, now);
  if (!customer) throw new DomainError("NOT_FOUND", "This user has no customer with this externalId.", [{ path: "customerExternalId", message: "Not found for this user" }]);
  const sv = await currentSessionVersion(user.id);
  if (sv === null) throw new DomainError("NOT_FOUND", "No active Nudge user has this email.");
  const { token, expiresAt } = signEmbedToken({ typ: "exchange", sub: user.id, sv, cust: customer.externalId }, now);
  return { token, expiresAt: expiresAt.toISOString(), path: `/embed/customers/${encodeURIComponent(customer.externalId)}?token=${token}` };
}

/**
 * Who a token (of the accepted kinds) speaks for, for this customer (any, when
 * externalId is null): the user if still active under the same session
 * version; else null.
 */
export async function embedUser(token: string, externalId: string | null, accept: readonly EmbedClaims["typ"][], now = new Date()): Promise<{ user: SessionUser; claims: EmbedClaims } | null> {
  const claims = verifyEmbedToken(token, accept, now);
  if (!claims || (externalId !== null && claims.cust !== externalId)) return null;
  const user = await getCurrentSessionUser(claims.sub, claims.sv);
  return user ? { user, claims } : null;
}

/** The longer-lived token the panel keeps once opened (its reactions and refreshes carry it). */
export function frameTokenFor(claims: EmbedClaims, now = new Date()): string {
  return signEmbedToken({ typ: "frame", sub: claims.sub, sv: claims.sv, cust: claims.cust }, now).token;
}

/** A reaction from the embed (frame token): the frame's customer only, then the queue's rules. */
export async function reactInEmbed(user: SessionUser, token: string, input: ReactionInput): Promise<ReactionResult> {
  const claims = verifyEmbedToken(token, ["frame"]);
  if (!claims || claims.sub !== user.id) throw new DomainError("UNAUTHENTICATED", "This panel's sign-in has ended. Reload the CRM page.");
  if (!(await recommendationOfCustomer(input.recommendationId, claims.cust))) throw new DomainError("NOT_FOUND", "This suggestion no longer exists or isn't yours.");
  return reactToRecommendation(user, input);
}
