// Small factories for integration tests. Each call makes uniquely named rows,
// so test files can share the run's database without stepping on each other.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/data/db";
import type { Role } from "@/lib/generated/prisma/enums";

const uid = () => randomUUID().slice(0, 8);

export async function makeTeam(name = `Team ${uid()}`) {
  return db().team.create({ data: { name }, select: { id: true, name: true } });
}

export async function makeUser(opts: { role?: Role; teamId?: string | null; active?: boolean; email?: string } = {}) {
  const u = await db().user.create({
    data: {
      email: opts.email ?? `user-${uid()}@test.local`,
      name: `User ${uid()}`,
      role: opts.role ?? "REP",
      teamId: opts.teamId ?? null,
      active: opts.active ?? true,
      passwordHash: "$2b$04$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva",
    },
    select: { id: true, email: true, name: true, role: true, teamId: true },
  });
  return u;
}

export async function makeCustomer(ownerId: string, data: Partial<{ segment: string; name: string; externalId: string; birthday: Date; renewalDate: Date; doNotContact: boolean; marketingOptOut: boolean; lifetimeValue: number; createdAt: Date }> = {}) {
  return db().customer.create({
    data: { externalId: data.externalId ?? `T-${uid()}`, name: data.name ?? `Casey ${uid()}`, segment: data.segment ?? "SMB", ownerId, ...data },
    select: { id: true, externalId: true, name: true, ownerId: true },
  });
}

export async function makeActionType(data: Partial<{ key: string; rule: object; businessValue: number; category: "OFFER" | "MEETING" | "RELATIONSHIP" | "RETENTION" | "GROWTH" | "SERVICE"; cooldownDays: number; controlGroupPct: number; active: boolean }> = {}) {
  const key = data.key ?? `test_${uid()}`;
  return db().actionType.create({
    data: {
      key,
      name: `Action ${key}`,
      category: data.category ?? "RELATIONSHIP",
      description: "test action",
      messageTemplate: "Reach out to {{firstName}}",
      rule: data.rule ?? { signal: "tenureDays", op: "gte", value: 0 },
      businessValue: data.businessValue ?? 100,
      cooldownDays: data.cooldownDays ?? 14,
      controlGroupPct: data.controlGroupPct ?? 0,
      active: data.active ?? true,
    },
    select: { id: true, key: true },
  });
}

export async function makeRecommendation(opts: { customerId: string; actionTypeId: string; repId: string; status?: "PENDING" | "ACCEPTED" | "SNOOZED" | "DONE" | "DISMISSED" | "EXPIRED"; isControl?: boolean; expiresAt?: Date }) {
  return db().recommendation.create({
    data: {
      customerId: opts.customerId,
      actionTypeId: opts.actionTypeId,
      repId: opts.repId,
      actionTypeVersion: 1,
      score: 10,
      propensity: 0.3,
      expectedValue: 30,
      message: "Reach out",
      reasons: [{ code: "TEST", text: "Because" }],
      status: opts.status ?? "PENDING",
      isControl: opts.isControl ?? false,
      modelVersion: "test",
      expiresAt: opts.expiresAt ?? new Date(Date.now() + 7 * 86_400_000),
    },
    select: { id: true, status: true },
  });
}

/** A rep with one customer and one open recommendation. */
export async function repWithRecommendation() {
  const team = await makeTeam();
  const rep = await makeUser({ teamId: team.id });
  const customer = await makeCustomer(rep.id);
  const action = await makeActionType();
  const rec = await makeRecommendation({ customerId: customer.id, actionTypeId: action.id, repId: rep.id });
  return { team, rep, customer, action, rec };
}
