import { AppShell } from "@/components/shell/app-shell";
import { requirePermission } from "@/lib/auth/guard";

export default async function Layout({ children }: { children: React.ReactNode }) {
  const user = await requirePermission("customers.view");
  return <AppShell user={user}>{children}</AppShell>;
}
