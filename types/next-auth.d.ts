import type { Role } from "@/lib/generated/prisma/enums";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: Role; teamId: string | null };
    /** The user's sessionVersion when the token was issued (lib/data/sessions.ts). */
    sessionVersion?: number;
  }
  interface User {
    id: string;
    email: string;
    name: string;
    role: Role;
    teamId: string | null;
    sessionVersion: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    teamId?: string | null;
    /** sessionVersion at sign-in; a bump in the database ends this session. */
    sv?: number;
  }
}
