// People: the demo accounts, teams, managers and reps (with how each rep
// adopts Nudge), and which days each rep actually opened it.
import type { Role } from "@/lib/generated/prisma/enums";
import { DAY_MS, HISTORY_DAYS, isWorkingDay, type Cust, type World } from "./world";

export const DEMO_PASSWORD = "nudge-demo";

export const DEMO_ACCOUNTS = {
  admin: { email: "admin@nudge.test", name: "Ada Admin", role: "ADMIN", team: null },
  manager: { email: "manager@nudge.test", name: "Morgan Manager", role: "MANAGER", team: "North" },
  rep: { email: "rep@nudge.test", name: "Riley Rep", role: "REP", team: "North" },
} as const satisfies Record<string, { email: string; name: string; role: Role; team: string | null }>;

export const DEMO_TEAMS = ["North", "South", "West"] as const;
export type DemoTeam = (typeof DEMO_TEAMS)[number];

export interface StaffSpec {
  email: string;
  name: string;
  team: DemoTeam;
}

export interface RepSpec extends StaffSpec {
  /** Chance of using Nudge on a working day once adopted. */
  engagement: number;
  /** Multiplies the true acceptance rate: some reps act on more suggestions. */
  skill: number;
  /** Day index (0 = first history day) the rep starts using Nudge. */
  adoptDay: number;
  /** Days before today the rep stopped using Nudge (still active). */
  stoppedDaysAgo: number | null;
  /** Days before today the rep was deactivated (customers reassigned within the team). */
  deactivatedDaysAgo: number | null;
  /** Relative size of the rep's book. */
  bookWeight: number;
  /** Weekly recommendation cap. */
  cap: number;
}

export const MANAGERS: readonly (StaffSpec & { engagement: number })[] = [
  { email: DEMO_ACCOUNTS.manager.email, name: DEMO_ACCOUNTS.manager.name, team: "North", engagement: 0.7 },
  { email: "priya.shah@nudge.test", name: "Priya Shah", team: "South", engagement: 0.55 },
  { email: "daniel.rossi@nudge.test", name: "Daniel Rossi", team: "West", engagement: 0.4 },
];

export const REPS: readonly RepSpec[] = [
  { email: DEMO_ACCOUNTS.rep.email, name: DEMO_ACCOUNTS.rep.name, team: "North", engagement: 0.92, skill: 1.1, adoptDay: 0, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 0.92, cap: 25 },
  { email: "noah.kim@nudge.test", name: "Noah Kim", team: "North", engagement: 0.8, skill: 1.0, adoptDay: 3, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.05, cap: 25 },
  { email: "grace.okafor@nudge.test", name: "Grace Okafor", team: "North", engagement: 0.72, skill: 0.95, adoptDay: 82, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.0, cap: 22 },
  { email: "lucas.martin@nudge.test", name: "Lucas Martin", team: "North", engagement: 0.85, skill: 1.05, adoptDay: 1, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.1, cap: 25 },
  { email: "emma.larsen@nudge.test", name: "Emma Larsen", team: "South", engagement: 0.9, skill: 1.2, adoptDay: 0, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.0, cap: 25 },
  { email: "diego.torres@nudge.test", name: "Diego Torres", team: "South", engagement: 0.75, skill: 0.9, adoptDay: 5, stoppedDaysAgo: 30, deactivatedDaysAgo: null, bookWeight: 0.95, cap: 22 },
  { email: "hannah.novak@nudge.test", name: "Hannah Novak", team: "South", engagement: 0.6, skill: 0.85, adoptDay: 14, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.15, cap: 20 },
  { email: "omar.haddad@nudge.test", name: "Omar Haddad", team: "South", engagement: 0.82, skill: 1.0, adoptDay: 2, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 1.0, cap: 25 },
  { email: "chloe.nguyen@nudge.test", name: "Chloe Nguyen", team: "West", engagement: 0.86, skill: 1.1, adoptDay: 0, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 0.9, cap: 25 },
  { email: "samuel.green@nudge.test", name: "Samuel Green", team: "West", engagement: 0.66, skill: 0.9, adoptDay: 126, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 0.85, cap: 20 },
  { email: "mei.tanaka@nudge.test", name: "Mei Tanaka", team: "West", engagement: 0.8, skill: 1.0, adoptDay: 4, stoppedDaysAgo: null, deactivatedDaysAgo: null, bookWeight: 0.9, cap: 25 },
  { email: "jonas.fischer@nudge.test", name: "Jonas Fischer", team: "West", engagement: 0.7, skill: 0.9, adoptDay: 6, stoppedDaysAgo: null, deactivatedDaysAgo: 40, bookWeight: 0.9, cap: 22 },
];

/** Index into REPS of the rep who owned `c` at `t` (before a deactivation, the former owner). */
export function ownerAt(c: Cust, t: number, today: number): number {
  if (c.formerOwner !== null) {
    const ago = REPS[c.formerOwner]?.deactivatedDaysAgo ?? 0;
    if (t < today - ago * DAY_MS) return c.formerOwner;
  }
  return c.owner;
}

/** Per rep, per history day: did the rep open Nudge (working days, after adoption, ramping up). */
export function makeActiveDays(w: World): boolean[][] {
  const rng = w.rng.fork("activity");
  return REPS.map((rep) => {
    const days: boolean[] = [];
    const stopDay = rep.stoppedDaysAgo !== null ? HISTORY_DAYS - rep.stoppedDaysAgo : Infinity;
    const endDay = rep.deactivatedDaysAgo !== null ? HISTORY_DAYS - rep.deactivatedDaysAgo : Infinity;
    for (let d = 0; d < HISTORY_DAYS; d++) {
      const day = w.historyStart + d * DAY_MS;
      const ramp = Math.min(1, 0.45 + (0.55 * (d - rep.adoptDay)) / 30);
      const on = isWorkingDay(day) && d >= rep.adoptDay && d < stopDay && d < endDay && rng.chance(rep.engagement * ramp);
      days.push(on);
    }
    return days;
  });
}
