import "server-only";
import { recordAudit } from "@/lib/data/audit";
import { transaction } from "@/lib/data/db";
import { deleteEmbedOrigin, forgetEmbedOrigins, insertEmbedOrigin } from "@/lib/data/embed-origins";
import { DomainError } from "@/lib/domain/errors";

// Admins keep the CRM origins allowed to frame the embed panel (CSP
// frame-ancestors of /embed/*). Each change is audited in the same transaction.

export async function addEmbedOrigin(actorId: string, origin: string): Promise<{ origin: string }> {
  await transaction(async (tx) => {
    if (!(await insertEmbedOrigin(tx, origin, actorId))) throw new DomainError("CONFLICT", `${origin} is already allowed`, [{ path: "origin", message: "Already in the list" }]);
    await recordAudit(tx, { actorId, entity: "EmbedOrigin", entityId: origin, action: "create", after: { origin } });
  });
  forgetEmbedOrigins();
  return { origin };
}

export async function removeEmbedOrigin(actorId: string, origin: string): Promise<{ origin: string }> {
  await transaction(async (tx) => {
    if (!(await deleteEmbedOrigin(tx, origin))) throw new DomainError("NOT_FOUND", `${origin} is not in the list`);
    await recordAudit(tx, { actorId, entity: "EmbedOrigin", entityId: origin, action: "delete", before: { origin } });
  });
  forgetEmbedOrigins();
  return { origin };
}
