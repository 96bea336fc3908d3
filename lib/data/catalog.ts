import "server-only";
import { recordAudit } from "./audit";
import { db } from "./db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CreateActionTypeInput, UpdateActionTypeInput } from "@/lib/validation/catalog";

// The action catalog: reads for the admin pages and the audited, versioned
// writes behind the editor. Every write is one transaction holding the change,
// its ActionTypeVersion snapshot (for content changes) and its audit row.

export class CatalogError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "CONFLICT",
    message: string,
  ) {
    super(message);
  }
}

const OPEN = ["PENDING", "ACCEPTED", "SNOOZED"] as const;

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
        active: true,
        version: true,
        updatedAt: true,
      },
    }),
    db().$queryRaw<{ actionTypeId: string; open: number; reacted: number; accepted: number }[]>`
      SELECT "actionTypeId",
             COUNT(*) FILTER (WHERE status IN ('PENDING', 'ACCEPTED', 'SNOOZED'))::int AS open,
             COUNT(*) FILTER (WHERE "createdAt" >= ${since} AND status IN ('ACCEPTED', 'DONE', 'DISMISSED'))::int AS reacted,
             COUNT(*) FILTER (WHERE "createdAt" >= ${since} AND status IN ('ACCEPTED', 'DONE'))::int AS accepted
      FROM "Recommendation"
      WHERE NOT "isControl" AND (status IN ('PENDING', 'ACCEPTED', 'SNOOZED') OR "createdAt" >= ${since})
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

export async function getActionType(id: string): Promise<ActionTypeDetail | null> {
  const row = await db().actionType.findUnique({ where: { id }, select: editorSelect });
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
    where: { actionTypeId, status: { in: [...OPEN] }, isControl: false },
    _count: { _all: true },
  });
  const open = new Map(counts.map((c) => [c.actionTypeVersion, c._count._all]));
  return rows.map((r) => ({ ...r, openRecommendations: open.get(r.version) ?? 0 }));
}

type SnapshotSource = Omit<CreateActionTypeInput, "key"> & { key: string; priorAlpha: number; priorBeta: number; active: boolean; version: number };

/** What ActionTypeVersion stores and the audit log shows: the same shape as the seed's snapshots. */
function snapshotOf(a: SnapshotSource): Prisma.InputJsonObject {
  return {
    key: a.key,
    name: a.name,
    category: a.category,
    description: a.description,
    messageTemplate: a.messageTemplate,
    rule: a.rule as Prisma.InputJsonValue,
    businessValue: a.businessValue,
    lever: a.lever,
    cooldownDays: a.cooldownDays,
    expiresAfterDays: a.expiresAfterDays,
    controlGroupPct: a.controlGroupPct,
    priorAlpha: a.priorAlpha,
    priorBeta: a.priorBeta,
    exploration: a.exploration,
    active: a.active,
    version: a.version,
  };
}

const CONTENT_FIELDS = [
  "name",
  "category",
  "description",
  "messageTemplate",
  "rule",
  "businessValue",
  "lever",
  "cooldownDays",
  "expiresAfterDays",
  "controlGroupPct",
  "exploration",
] as const;

/** JSON with sorted keys: Postgres jsonb reorders object keys, so plain JSON.stringify would see changes that are not there. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** Creates an action type at version 1, with its first snapshot and an audit row. */
export async function createActionType(actorId: string, input: CreateActionTypeInput): Promise<{ id: string; key: string; version: number }> {
  try {
    return await db().$transaction(async (tx) => {
      const row = await tx.actionType.create({
        data: {
          key: input.key,
          name: input.name,
          category: input.category,
          description: input.description,
          messageTemplate: input.messageTemplate,
          rule: input.rule as Prisma.InputJsonValue,
          businessValue: input.businessValue,
          lever: input.lever,
          cooldownDays: input.cooldownDays,
          expiresAfterDays: input.expiresAfterDays,
          controlGroupPct: input.controlGroupPct,
          exploration: input.exploration,
          active: true,
          version: 1,
          updatedById: actorId,
        },
        select: { id: true, key: true, version: true, priorAlpha: true, priorBeta: true },
      });
      const snapshot = snapshotOf({ ...input, priorAlpha: row.priorAlpha, priorBeta: row.priorBeta, active: true, version: 1 });
      await tx.actionTypeVersion.create({ data: { actionTypeId: row.id, version: 1, snapshot } });
      await recordAudit(tx, { actorId, entity: "ActionType", entityId: row.id, action: "create", after: snapshot });
      return { id: row.id, key: row.key, version: row.version };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new CatalogError("CONFLICT", `The key "${input.key}" is already used by another action type`);
    }
    throw err;
  }
}

/**
 * Saves an edit as a new version: bumps `version`, stores the snapshot and
 * audits before/after. Open recommendations keep their version and rendered
 * message. Refused when someone saved a newer version since the admin opened
 * the editor; a save that changes nothing creates no version.
 */
export async function updateActionType(actorId: string, input: UpdateActionTypeInput): Promise<{ id: string; version: number; changed: boolean }> {
  return db().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "ActionType" WHERE id = ${input.id}::uuid FOR UPDATE`;
    if (locked.length === 0) throw new CatalogError("NOT_FOUND", "This action type no longer exists");
    const current = await tx.actionType.findUniqueOrThrow({ where: { id: input.id }, select: editorSelect });
    if (current.version !== input.expectedVersion) {
      throw new CatalogError(
        "CONFLICT",
        `Someone saved version ${current.version} while you were editing version ${input.expectedVersion}. Reload to see their changes.`,
      );
    }
    const before = snapshotOf({ ...current, category: current.category, businessValue: Number(current.businessValue), rule: current.rule as CreateActionTypeInput["rule"] });
    const candidate = snapshotOf({ ...input, key: current.key, priorAlpha: current.priorAlpha, priorBeta: current.priorBeta, active: current.active, version: current.version });
    const changed = CONTENT_FIELDS.some((f) => canonical(before[f]) !== canonical(candidate[f]));
    if (!changed) return { id: current.id, version: current.version, changed: false };

    const version = current.version + 1;
    await tx.actionType.update({
      where: { id: input.id },
      data: {
        name: input.name,
        category: input.category,
        description: input.description,
        messageTemplate: input.messageTemplate,
        rule: input.rule as Prisma.InputJsonValue,
        businessValue: input.businessValue,
        lever: input.lever,
        cooldownDays: input.cooldownDays,
        expiresAfterDays: input.expiresAfterDays,
        controlGroupPct: input.controlGroupPct,
        exploration: input.exploration,
        version,
        updatedById: actorId,
      },
    });
    const after = { ...candidate, version };
    await tx.actionTypeVersion.create({ data: { actionTypeId: input.id, version, snapshot: after } });
    await recordAudit(tx, { actorId, entity: "ActionType", entityId: input.id, action: "update", before, after });
    return { id: input.id, version, changed: true };
  });
}

/**
 * Switches an action on or off. Switching off expires its open
 * recommendations (control-group ones too) in the same transaction.
 */
export async function setActionTypeActive(actorId: string, id: string, active: boolean, now = new Date()): Promise<{ active: boolean; expired: number }> {
  return db().$transaction(async (tx) => {
    const current = await tx.actionType.findUnique({ where: { id }, select: { active: true } });
    if (!current) throw new CatalogError("NOT_FOUND", "This action type no longer exists");
    if (current.active === active) return { active, expired: 0 };
    await tx.actionType.update({ where: { id }, data: { active, updatedById: actorId } });
    const expired = active
      ? 0
      : await tx.$executeRaw`
          UPDATE "Recommendation" SET status = 'EXPIRED', "decidedAt" = ${now}
          WHERE "actionTypeId" = ${id}::uuid AND status IN ('PENDING', 'ACCEPTED', 'SNOOZED')`;
    await recordAudit(tx, {
      actorId,
      entity: "ActionType",
      entityId: id,
      action: active ? "activate" : "deactivate",
      before: { active: current.active },
      after: active ? { active } : { active, expiredRecommendations: expired },
    });
    return { active, expired };
  });
}
