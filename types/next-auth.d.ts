import type { Role } from "@/lib/generated/prisma/enums";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: Role; teamId: string | null };
  }
  interface User {
    id: string;
    email: string;
    name: string;
    role: Role;
    teamId: string | null;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    teamId?: string | null;
  }
}
