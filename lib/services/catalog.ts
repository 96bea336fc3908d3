import "server-only";
import { recordAudit } from "@/lib/data/audit";
import {
  actionTypeActive,
  expireOpenRecommendationsOf,
  getActionType,
  insertActionType,
  insertActionTypeVersion,
  lockActionType,
  setActionTypeActiveFlag,
  updateActionTypeContent,
  type ActionTypeSnapshot,
} from "@/lib/data/catalog";
import { transaction } from "@/lib/data/db";
import { isUniqueViolation } from "@/lib/data/errors";
import { DomainError } from "@/lib/domain/errors";
import { defaultPurpose } from "@/lib/engine";
import type { CreateActionTypeInput, UpdateActionTypeInput } from "@/lib/validation/catalog";

// Use case: an admin edits the action catalog. Every write is one transaction
// holding the change, its ActionTypeVersion snapshot (for content changes) and
// its audit row. Throws DomainError NOT_FOUND / CONFLICT.

type SnapshotSource = Omit<CreateActionTypeInput, "key"> & { key: string; priorAlpha: number; priorBeta: number; active: boolean; version: number };

/** What ActionTypeVersion stores and the audit log shows: the same shape as the seed's snapshots. */
function snapshotOf(a: SnapshotSource): ActionTypeSnapshot {
  return {
    key: a.key,
    name: a.name,
    category: a.category,
    purpose: a.purpose ?? defaultPurpose(a.category),
    description: a.description,
    messageTemplate: a.messageTemplate,
    rule: a.rule as ActionTypeSnapshot[string],
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
  "purpose",
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

const GONE = "This action type no longer exists";

/** Creates an action type at version 1, with its first snapshot and an audit row. */
export async function createActionType(actorId: string, input: CreateActionTypeInput): Promise<{ id: string; key: string; version: number }> {
  try {
    return await transaction(async (tx) => {
      const row = await insertActionType(tx, { ...input, active: true, version: 1, updatedById: actorId });
      const snapshot = snapshotOf({ ...input, priorAlpha: row.priorAlpha, priorBeta: row.priorBeta, active: true, version: 1 });
      await insertActionTypeVersion(tx, row.id, 1, snapshot);
      await recordAudit(tx, { actorId, entity: "ActionType", entityId: row.id, action: "create", after: snapshot });
      return { id: row.id, key: row.key, version: row.version };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError("CONFLICT", `The key "${input.key}" is already used by another action type`);
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
  return transaction(async (tx) => {
    if (!(await lockActionType(tx, input.id))) throw new DomainError("NOT_FOUND", GONE);
    const current = await getActionType(input.id, tx);
    if (!current) throw new DomainError("NOT_FOUND", GONE);
    if (current.version !== input.expectedVersion) {
      throw new DomainError(
        "CONFLICT",
        `Someone saved version ${current.version} while you were editing version ${input.expectedVersion}. Reload to see their changes.`,
      );
    }
    const before = snapshotOf({ ...current, purpose: current.purpose === "MARKETING" ? "MARKETING" : "SERVICE", rule: current.rule as CreateActionTypeInput["rule"] });
    const candidate = snapshotOf({ ...input, key: current.key, priorAlpha: current.priorAlpha, priorBeta: current.priorBeta, active: current.active, version: current.version });
    const changed = CONTENT_FIELDS.some((f) => canonical(before[f]) !== canonical(candidate[f]));
    if (!changed) return { id: current.id, version: current.version, changed: false };

    const version = current.version + 1;
    await updateActionTypeContent(tx, input.id, { ...input, version, updatedById: actorId });
    const after = { ...candidate, version };
    await insertActionTypeVersion(tx, input.id, version, after);
    await recordAudit(tx, { actorId, entity: "ActionType", entityId: input.id, action: "update", before, after });
    return { id: input.id, version, changed: true };
  });
}

/**
 * Switches an action on or off. Switching off expires its open
 * recommendations (control-group ones too) in the same transaction.
 */
export async function setActionTypeActive(actorId: string, id: string, active: boolean, now = new Date()): Promise<{ active: boolean; expired: number }> {
  return transaction(async (tx) => {
    const current = await actionTypeActive(tx, id);
    if (!current) throw new DomainError("NOT_FOUND", GONE);
    if (current.active === active) return { active, expired: 0 };
    await setActionTypeActiveFlag(tx, id, active, actorId);
    const expired = active ? 0 : await expireOpenRecommendationsOf(tx, id, now);
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
