import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AuditTable } from "@/components/admin/audit-table";
import { Section, StatusBadge } from "@/components/admin/form";
import { UserEdit } from "@/components/admin/user-edit";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/lib/auth/guard";
import { getUser, listTeams } from "@/lib/data/admin-users";
import { listAuditLog } from "@/lib/data/audit";
import { formatDate } from "@/lib/format";
import { ROLE_LABELS } from "@/lib/validation/admin";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePermission("users.manage");
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const [user, teams, audit] = await Promise.all([getUser(id), listTeams(), listAuditLog({ entity: "User", entityId: id, take: 30 })]);
  if (!user) notFound();
  return (
    <div className="space-y-4">
      <div>
        <nav aria-label="Breadcrumb" className="mb-1 text-xs text-slate-500">
          <Link href="/admin/users" className="hover:underline">
            Users and teams
          </Link>{" "}
          /
        </nav>
        <PageHeader
          title={user.name}
          description={`${user.email} · ${ROLE_LABELS[user.role]}${user.team ? ` · ${user.team.name}` : ""} · since ${formatDate(user.createdAt)}${user.role === "REP" ? ` · ${user.customers} customers, ${user.openRecommendations} open suggestions` : ""}`}
          actions={<StatusBadge active={user.active} />}
        />
      </div>
      <UserEdit key={`${user.role}:${user.teamId}:${user.active}:${user.name}`} user={user} teams={teams} isSelf={me.id === user.id} />
      <Section title="History">
        <AuditTable entries={audit.entries} showEntity={false} />
      </Section>
    </div>
  );
}
