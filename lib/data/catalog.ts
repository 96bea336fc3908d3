import "server-only";
import { db, type Db } from "./db";
import { ACTED_ON_SQL, DECIDED_SQL, OPEN_SQL, sqlLiteral } from "./vocabulary-sql";
import { OPEN_STATUSES } from "@/lib/domain/vocabulary";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ActionCategoryName } from "@/lib/validation/catalog";
import { defaultPurpose, type ContactPurpose } from "@/lib/engine/consent";

// The action catalog: reads for the admin pages and the queries behind the
// editor's audited, versioned writes (lib/services/catalog.ts runs them in one
// transaction with the ActionTypeVersion snapshot and the audit row).

type Client = Pick<Db, "$queryRaw" | "$executeRaw" | "actionType" | "actionTypeVersion">;

export interface CatalogRow {
  id: string;
  key: string;
  name: string;
  category: string;
  businessValue: number;
  lever: number;
  cooldownDays: number;
  expiresAfterDays: number;
  controlGroupPct: number;
  /** Thompson sampling on for this action. */
  exploration: boolean;
  active: boolean;
  version: number;
  updatedAt: Date;
  openRecommendations: number;
  /** Accepted or done / reacted to, over shown suggestions made in the last 30 days; null without any. */
  acceptanceRate30d: number | null;
  reacted30d: number;
}

export async function listActionTypes(now = new Date()): Promise<CatalogRow[]> {
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const [rows, figures] = await Promise.all([
    db().actionType.findMany({
      orderBy: [{ active: "desc" }, { name: "asc" }],
      select: {
        id: true,
        key: true,
        name: true,
        category: true,
        businessValue: true,
        lever: true,
        cooldownDays: true,
        expiresAfterDays: true,
        controlGroupPct: true,
        exploration: true,
        active: true,
        version: true,
        updatedAt: true,
      },
    }),
    db().$queryRaw<{ actionTypeId: string; open: number; reacted: number; accepted: number }[]>`
      SELECT "actionTypeId",
             COUNT(*) FILTER (WHERE status IN ${OPEN_SQL})::int AS open,
             COUNT(*) FILTER (WHERE "createdAt" >= ${since} AND status IN ${DECIDED_SQL})::int AS reacted,
             COUNT(*) FILTER (WHERE "createdAt" >= ${since} AND status IN ${ACTED_ON_SQL})::int AS accepted
      FROM "Recommendation"
      WHERE NOT "isControl" AND (status IN ${OPEN_SQL} OR "createdAt" >= ${since})
      GROUP BY "actionTypeId"`,
  ]);
  const byId = new Map(figures.map((f) => [f.actionTypeId, f]));
  return rows.map(({ businessValue, ...r }) => {
    const f = byId.get(r.id);
    return {
      ...r,
      businessValue: Number(businessValue),
      openRecommendations: f?.open ?? 0,
      reacted30d: f?.reacted ?? 0,
      acceptanceRate30d: f && f.reacted > 0 ? f.accepted / f.reacted : null,
    };
  });
}

const editorSelect = {
  id: true,
  key: true,
  name: true,
  category: true,
  purpose: true,
  description: true,
  messageTemplate: true,
  rule: true,
  businessValue: true,
  lever: true,
  cooldownDays: true,
  expiresAfterDays: true,
  controlGroupPct: true,
  priorAlpha: true,
  priorBeta: true,
  exploration: true,
  active: true,
  version: true,
  updatedAt: true,
  updatedBy: { select: { name: true } },
} as const satisfies Prisma.ActionTypeSelect;

export type ActionTypeDetail = Omit<Prisma.ActionTypeGetPayload<{ select: typeof editorSelect }>, "businessValue"> & { businessValue: number };

export async function getActionType(id: string, client: Client = db()): Promise<ActionTypeDetail | null> {
  const row = await client.actionType.findUnique({ where: { id }, select: editorSelect });
  return row ? { ...row, businessValue: Number(row.businessValue) } : null;
}

export async function listVersions(actionTypeId: string) {
  const rows = await db().actionTypeVersion.findMany({
    where: { actionTypeId },
    orderBy: { version: "desc" },
    select: { version: true, createdAt: true, snapshot: true },
  });
  const counts = await db().recommendation.groupBy({
    by: ["actionTypeVersion"],
    where: { actionTypeId, status: { in: [...OPEN_STATUSES] }, isControl: false },
    _count: { _all: true },
  });
  const open = new Map(counts.map((c) => [c.actionTypeVersion, c._count._all]));
  return rows.map((r) => ({ ...r, openRecommendations: open.get(r.version) ?? 0 }));
}

/** The stored fields of an action type, as the editor writes them. */
export interface ActionTypeContent {
  name: string;
  category: ActionCategoryName;
  /** The consent the action needs; absent: defaultPurpose(category). */
  purpose?: ContactPurpose;
  description: string;
  messageTemplate: string;
  rule: unknown;
  businessValue: number;
  lever: number;
  cooldownDays: number;
  expiresAfterDays: number;
  controlGroupPct: number;
  exploration: boolean;
}

/** What ActionTypeVersion stores and the audit log shows (a JSON object). */
export type ActionTypeSnapshot = Prisma.InputJsonObject;

const contentData = (c: ActionTypeContent) => ({
  name: c.name,
  category: c.category,
  purpose: c.purpose ?? defaultPurpose(c.category),
  description: c.description,
  messageTemplate: c.messageTemplate,
  rule: c.rule as Prisma.InputJsonValue,
  businessValue: c.businessValue,
  lever: c.lever,
  cooldownDays: c.cooldownDays,
  expiresAfterDays: c.expiresAfterDays,
  controlGroupPct: c.controlGroupPct,
  exploration: c.exploration,
});

/** Inserts an action type (unique key: a duplicate throws a unique violation). */
export async function insertActionType(
  client: Client,
  row: ActionTypeContent & { key: string; active: boolean; version: number; updatedById: string },
): Promise<{ id: string; key: string; version: number; priorAlpha: number; priorBeta: number }> {
  return client.actionType.create({
    data: { ...contentData(row), key: row.key, active: row.active, version: row.version, updatedById: row.updatedById },
    select: { id: true, key: true, version: true, priorAlpha: true, priorBeta: true },
  });
}

/** Locks an action type's row until the transaction ends; false when it does not exist. */
export async function lockActionType(client: Client, id: string): Promise<boolean> {
  const locked = await client.$queryRaw<{ id: string }[]>`SELECT id FROM "ActionType" WHERE id = ${id}::uuid FOR UPDATE`;
  return locked.length > 0;
}

/** Writes new content and version number. */
export async function updateActionTypeContent(client: Client, id: string, content: ActionTypeContent & { version: number; updatedById: string }): Promise<void> {
  await client.actionType.update({ where: { id }, data: { ...contentData(content), version: content.version, updatedById: content.updatedById } });
}

export async function insertActionTypeVersion(client: Client, actionTypeId: string, version: number, snapshot: ActionTypeSnapshot): Promise<void> {
  await client.actionTypeVersion.create({ data: { actionTypeId, version, snapshot } });
}

export async function actionTypeActive(client: Client, id: string): Promise<{ active: boolean } | null> {
  return client.actionType.findUnique({ where: { id }, select: { active: true } });
}

export async function setActionTypeActiveFlag(client: Client, id: string, active: boolean, updatedById: string): Promise<void> {
  await client.actionType.update({ where: { id }, data: { active, updatedById } });
}

/** Expires an action's open recommendations (control-group ones too); returns how many. */
export async function expireOpenRecommendationsOf(client: Client, actionTypeId: string, now: Date): Promise<number> {
  return client.$executeRaw`
    UPDATE "Recommendation" SET status = ${sqlLiteral("EXPIRED")}, "decidedAt" = ${now}
    WHERE "actionTypeId" = ${actionTypeId}::uuid AND status IN ${OPEN_SQL}`;
}
