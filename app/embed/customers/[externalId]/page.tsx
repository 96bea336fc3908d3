import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { after } from "next/server";
import { cache } from "react";
import { CustomerHeader } from "@/components/customers/customer-header";
import { EmbedTokenSync } from "@/components/customers/embed-token-sync";
import { OpenRecommendations } from "@/components/customers/open-recommendations";
import { SignalGrid } from "@/components/customers/signal-grid";
import { getSessionUser } from "@/lib/auth/guard";
import { can, rowScope } from "@/lib/auth/permissions";
import { getCustomerForUser } from "@/lib/data/customers";
import { openForCustomer, toQueueItemDto } from "@/lib/data/recommendations";
import { recordCustomerAccess } from "@/lib/data/data-rights";
import { recordUsage } from "@/lib/data/users";
import { embedUser, frameTokenFor } from "@/lib/services/embed";

type Props = { params: Promise<{ externalId: string }>; searchParams: Promise<{ token?: string | string[] }> };

/**
 * Who is looking: the embed token in the URL (inside a CRM's frame, where no
 * third-party cookie is sent), else the app's own session. With a token, the
 * panel gets a frame token to carry (a fresh one only when it came with the
 * short-lived exchange token).
 */
const viewer = cache(async (externalId: string, token: string | undefined) => {
  if (token) {
    const found = await embedUser(token, externalId, ["exchange", "frame"]);
    if (!found) return { kind: "expired" as const };
    return { kind: "token" as const, user: found.user, frameToken: found.claims.typ === "exchange" ? frameTokenFor(found.claims) : token };
  }
  const user = await getSessionUser();
  return user ? { kind: "session" as const, user, frameToken: null } : { kind: "none" as const };
});

async function read(props: Props) {
  const externalId = decodeURIComponent((await props.params).externalId);
  const raw = (await props.searchParams).token;
  return { externalId, token: typeof raw === "string" ? raw : undefined };
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  const { externalId, token } = await read(props);
  const v = await viewer(externalId, token);
  if (v.kind !== "token" && v.kind !== "session") return { title: "Nudge" };
  const customer = await getCustomerForUser(rowScope(v.user), { externalId });
  return { title: customer ? `${customer.name} · Customer` : "Customer not found" };
}

export default async function EmbedCustomerPage(props: Props) {
  const { externalId, token } = await read(props);
  const v = await viewer(externalId, token);
  if (v.kind === "expired" || (v.kind === "none" && (await headers()).get("sec-fetch-dest") === "iframe")) {
    // Inside the CRM's frame the sign-in page cannot be shown (it refuses to be framed, and its cookie would be blocked).
    return (
      <main id="main" className="mx-auto max-w-md py-6 text-center">
        <h1 className="text-base font-semibold text-slate-900">This panel&apos;s sign-in has ended</h1>
        <p className="mt-1 text-sm text-slate-600">Reload the CRM page to open it again. If it keeps happening, ask your admin to check the Nudge integration.</p>
      </main>
    );
  }
  if (v.kind === "none") redirect(`/signin?callbackUrl=${encodeURIComponent(`/embed/customers/${encodeURIComponent(externalId)}`)}`);
  const { user } = v;
  if (!can(user.role, "customers.view")) notFound();
  const customer = await getCustomerForUser(rowScope(user), { externalId });
  if (!customer) notFound();
  // Usage once the panel is sent; the access record is written before anything is shown.
  after(() => recordUsage(user.id, "CUSTOMER_VIEW", { customerId: customer.id, embed: true }));
  const [open] = await Promise.all([
    openForCustomer(customer.id),
    recordCustomerAccess(customer.id, "VIEW", { userId: user.id }),
  ]);
  return (
    <main id="main" className="mx-auto max-w-md space-y-3">
      {v.frameToken && v.frameToken !== token ? <EmbedTokenSync token={v.frameToken} /> : null}
      <CustomerHeader customer={customer} compact />
      <OpenRecommendations items={open.map(toQueueItemDto)} canReact={can(user.role, "queue.work") && customer.owner.id === user.id} frameToken={v.frameToken} />
      <SignalGrid signals={customer.signals} compact />
    </main>
  );
}
