import type { Metadata } from "next";
import Link from "next/link";
import { CreateUserForm } from "@/components/admin/create-user-form";
import { Section, StatusBadge } from "@/components/admin/form";
import { ReassignForm } from "@/components/admin/reassign-form";
import { TeamsPanel } from "@/components/admin/teams-panel";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { listTeams, listUsers } from "@/lib/data/admin-users";
import { ROLE_LABELS } from "@/lib/validation/admin";

export const metadata: Metadata = { title: "Users and teams" };

export default async function UsersPage() {
  await requirePermission("users.manage");
  const [users, teams] = await Promise.all([listUsers(), listTeams()]);
  const managers = users.filter((u) => u.active && u.role !== "REP").map((u) => ({ id: u.id, name: u.name }));
  const reps = users.filter((u) => u.role === "REP").map((u) => ({ id: u.id, name: u.name, active: u.active, customers: u.customers }));
  return (
    <div className="space-y-4">
      <PageHeader title="Users and teams" description="Who can sign in, with which role, in which team; and who owns which customers." />
      <Section title="People" description={`${users.filter((u) => u.active).length} active of ${users.length}`} actions={<CreateUserForm teams={teams} />}>
        <div className="-mx-3 overflow-x-auto sm:mx-0">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Users</caption>
            <thead className="text-left text-xs font-medium uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="hidden px-3 py-2 sm:table-cell">Role</th>
                <th scope="col" className="hidden px-3 py-2 md:table-cell">Team</th>
                <th scope="col" className="px-3 py-2 text-right">Customers</th>
                <th scope="col" className="hidden px-3 py-2 sm:table-cell">Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {users.map((u) => (
                <tr key={u.id} className={u.active ? "" : "text-slate-500"}>
                  <td className="max-w-[12rem] px-3 py-1.5 sm:max-w-none">
                    <Link href={`/admin/users/${u.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                      {u.name}
                    </Link>
                    {u.active ? null : (
                      <span className="ml-1.5 sm:hidden">
                        <StatusBadge active={false} />
                      </span>
                    )}
                    <span className="block truncate text-xs text-slate-500">
                      {u.email}
                      <span className="sm:hidden"> · {ROLE_LABELS[u.role]}</span>
                    </span>
                  </td>
                  <td className="hidden px-3 py-1.5 sm:table-cell">{ROLE_LABELS[u.role]}</td>
                  <td className="hidden px-3 py-1.5 md:table-cell">{u.team?.name ?? "—"}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{u.role === "REP" ? u.customers : "—"}</td>
                  <td className="hidden px-3 py-1.5 sm:table-cell">
                    <StatusBadge active={u.active} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div id="teams">
          <Section title="Teams" description="A team's manager sees its reps on the dashboards.">
            <TeamsPanel teams={teams.map((t) => ({ id: t.id, name: t.name, managerId: t.managerId, members: t._count.members }))} managers={managers} />
          </Section>
        </div>
        <Section title="Reassign customers" description="Moves every customer of one rep to another; their open suggestions move too.">
          <ReassignForm reps={reps} />
        </Section>
      </div>
    </div>
  );
}
