import { describe, expect, it } from "vitest";
import { listAuditLog } from "@/lib/data/audit";
import { cachedEmbedOrigins, EMBED_ORIGINS_TTL_MS, listEmbedOrigins } from "@/lib/data/embed-origins";
import { isDomainError } from "@/lib/domain/errors";
import { addEmbedOrigin, removeEmbedOrigin } from "@/lib/services/embed-origins";
import { makeUser } from "../support/fixtures";

// The CRM origins an admin allows: stored, audited, and what the proxy's
// frame-ancestors reads (through its cache, which a change here drops).
describe("embed origins", () => {
  it("adds and removes an origin, audited, and the cached list follows at once in this process", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const origin = `https://crm-${admin.id.slice(0, 8)}.example.com`;
    const other = `https://other-${admin.id.slice(0, 8)}.example.com`;
    expect(await cachedEmbedOrigins()).not.toContain(origin);

    await addEmbedOrigin(admin.id, origin);
    expect(await cachedEmbedOrigins()).toContain(origin);
    expect(await cachedEmbedOrigins()).not.toContain(other);
    expect((await listEmbedOrigins()).find((o) => o.origin === origin)).toMatchObject({ origin, createdByName: admin.name });

    const dup = await addEmbedOrigin(admin.id, origin).catch((e: unknown) => e);
    expect(isDomainError(dup) && dup.code).toBe("CONFLICT");

    await removeEmbedOrigin(admin.id, origin);
    expect(await cachedEmbedOrigins()).not.toContain(origin);
    const gone = await removeEmbedOrigin(admin.id, origin).catch((e: unknown) => e);
    expect(isDomainError(gone) && gone.code).toBe("NOT_FOUND");

    const { entries } = await listAuditLog({ entity: "EmbedOrigin", actorId: admin.id });
    expect(entries.map((e) => [e.action, e.entityId, e.before, e.after])).toEqual([
      ["delete", origin, { origin }, null],
      ["create", origin, null, { origin }],
    ]);
  });

  it("serves the cached list for its lifetime, then reads the database again", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const origin = `https://late-${admin.id.slice(0, 8)}.example.com`;
    const t0 = Date.now() + 10 * EMBED_ORIGINS_TTL_MS; // past any entry cached by the test above
    await cachedEmbedOrigins(t0);
    const { db } = await import("@/lib/data/db");
    await db().embedOrigin.create({ data: { origin } }); // as another app instance would
    expect(await cachedEmbedOrigins(t0 + EMBED_ORIGINS_TTL_MS - 1)).not.toContain(origin);
    expect(await cachedEmbedOrigins(t0 + EMBED_ORIGINS_TTL_MS)).toContain(origin);
    await db().embedOrigin.delete({ where: { origin } });
  });
});
