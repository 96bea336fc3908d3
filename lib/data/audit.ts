import "server-only";
import { db, type Db } from "./db";
import { isUuid } from "@/lib/validation/postgres-safe";
import type { Prisma } from "@/lib/generated/prisma/client";

// The audit trail: every admin change to the catalog, users, teams and API
// keys. Writers pass their transaction client, so the log row commits or
// rolls back together with the change it describes.

export const AUDIT_ENTITIES = ["ActionType", "User", "Team", "ApiKey", "ProgramSettings", "WebhookEndpoint", "ModelVersion", "ModelAlert", "CustomerImport", "EmbedOrigin", "AdoptionTarget", "Customer"] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/** Anything with an auditLog delegate: the client or an interactive-transaction client. */
type AuditClient = Pick<Db, "auditLog">;

export interface AuditInput {
  actorId: string | null;
  entity: AuditEntity;
  entityId: string;
  action: string;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

export async function recordAudit(tx: AuditClient, entry: AuditInput): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: entry.actorId,
      entity: entry.entity,
      entityId: entry.entityId,
      action: entry.action,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
    },
  });
}

export interface AuditFilter {
  entity?: AuditEntity;
  entityId?: string;
  actorId?: string;
  /** Inclusive, UTC day start. */
  from?: Date;
  /** Inclusive, whole UTC day. */
  to?: Date;
  /** Entries older than this id (keyset pagination). */
  beforeId?: number;
  take?: number;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: { id: string; name: string; email: string } | null;
  entity: string;
  entityId: string;
  entityLabel: string | null;
  action: string;
  before: unknown;
  after: unknown;
}

/** Newest first, with a human label for each entity (action name, user email, team name, key name). */
export async function listAuditLog(filter: AuditFilter = {}): Promise<{ entries: AuditEntry[]; nextBeforeId: number | null }> {
  const take = Math.min(filter.take ?? 50, 200);
  const where: Prisma.AuditLogWhereInput = {
    entity: filter.entity,
    entityId: filter.entityId,
    actorId: filter.actorId,
    at: filter.from || filter.to ? { gte: filter.from, lt: filter.to ? new Date(filter.to.getTime() + 86_400_000) : undefined } : undefined,
    id: filter.beforeId ? { lt: filter.beforeId } : undefined,
  };
  const rows = await db().auditLog.findMany({
    where,
    orderBy: { id: "desc" },
    take: take + 1,
    select: { id: true, at: true, entity: true, entityId: true, action: true, before: true, after: true, actor: { select: { id: true, name: true, email: true } } },
  });
  const page = rows.slice(0, take);
  const labels = await entityLabels(page);
  return {
    entries: page.map((r) => ({ ...r, entityLabel: labels.get(`${r.entity}:${r.entityId}`) ?? null })),
    nextBeforeId: rows.length > take ? (page[page.length - 1]?.id ?? null) : null,
  };
}

async function entityLabels(rows: { entity: string; entityId: string }[]): Promise<Map<string, string>> {
  const ids = (entity: AuditEntity) => [...new Set(rows.filter((r) => r.entity === entity).map((r) => r.entityId))].filter(isUuid);
  const alertIds = [...new Set(rows.filter((r) => r.entity === "ModelAlert").map((r) => Number(r.entityId)))].filter(Number.isInteger);
  const [actions, users, teams, keys, hooks, models, alerts] = await Promise.all([
    db().actionType.findMany({ where: { id: { in: ids("ActionType") } }, select: { id: true, name: true } }),
    db().user.findMany({ where: { id: { in: ids("User") } }, select: { id: true, email: true } }),
    db().team.findMany({ where: { id: { in: ids("Team") } }, select: { id: true, name: true } }),
    db().apiKey.findMany({ where: { id: { in: ids("ApiKey") } }, select: { id: true, name: true } }),
    db().webhookEndpoint.findMany({ where: { id: { in: ids("WebhookEndpoint") } }, select: { id: true, url: true } }),
    db().modelVersion.findMany({ where: { id: { in: ids("ModelVersion") } }, select: { id: true, number: true } }),
    db().modelAlert.findMany({ where: { id: { in: alertIds } }, select: { id: true, subject: true } }),
  ]);
  return new Map([
    ...actions.map((a) => [`ActionType:${a.id}`, a.name] as const),
    ...users.map((u) => [`User:${u.id}`, u.email] as const),
    ...teams.map((t) => [`Team:${t.id}`, t.name] as const),
    ...keys.map((k) => [`ApiKey:${k.id}`, k.name] as const),
    ...hooks.map((h) => [`WebhookEndpoint:${h.id}`, h.url] as const),
    ["ProgramSettings:1", "global holdout"] as const,
    ["ProgramSettings:learning", "learning settings"] as const,
    ["ProgramSettings:drift", "drift thresholds"] as const,
    ...models.map((m) => [`ModelVersion:${m.id}`, `v${m.number}`] as const),
    ...alerts.map((a) => [`ModelAlert:${a.id}`, a.subject] as const),
  ]);
}

/** People who appear as actors, for the audit page's filter. */
export async function listAuditActors(): Promise<{ id: string; name: string; email: string }[]> {
  return db().user.findMany({ where: { auditLogs: { some: {} } }, orderBy: { name: "asc" }, select: { id: true, name: true, email: true } });
}
