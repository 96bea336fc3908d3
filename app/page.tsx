import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/guard";
import { HOME_BY_ROLE } from "@/lib/auth/permissions";

export default async function Home() {
  const user = await requireUser();
  redirect(HOME_BY_ROLE[user.role]);
}
