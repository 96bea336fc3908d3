import "server-only";
import { db } from "./db";

export async function listActionTypes() {
  const rows = await db().actionType.findMany({
    orderBy: [{ active: "desc" }, { name: "asc" }],
    select: {
      id: true,
      key: true,
      name: true,
      category: true,
      businessValue: true,
      lever: true,
      cooldownDays: true,
      controlGroupPct: true,
      active: true,
      version: true,
      _count: { select: { recommendations: { where: { status: { in: ["PENDING", "ACCEPTED", "SNOOZED"] }, isControl: false } } } },
    },
  });
  return rows.map(({ _count, businessValue, ...r }) => ({ ...r, businessValue: Number(businessValue), openRecommendations: _count.recommendations }));
}
