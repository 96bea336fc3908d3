import { AppShell } from "@/components/shell/app-shell";
import { requirePermission } from "@/lib/auth/guard";
import { tourDone } from "@/lib/data/engagement-inputs";

export default async function Layout({ children }: { children: React.ReactNode }) {
  const user = await requirePermission("dashboards.view");
  return (
    <AppShell user={user} wide tourDone={await tourDone(user.id)}>
      {children}
    </AppShell>
  );
}
