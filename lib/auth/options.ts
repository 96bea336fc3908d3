import "server-only";
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { embedAllowedOrigins, publicUrl } from "@/lib/config/env";
import { getUserForSignIn, recordUsage } from "@/lib/data/users";
import { signInSchema } from "@/lib/validation/auth";
import { safeRedirect } from "@/lib/validation/callback-url";

// Raised to the sign-in form as `error` codes; the form turns them into sentences.
export const SIGN_IN_ERRORS = {
  invalid: "CredentialsSignin",
  inactive: "AccountDeactivated",
} as const;

// Compare against a dummy hash when the user is unknown, so response time does
// not reveal which emails have accounts.
let dummyHash: string | undefined;
const getDummyHash = () => (dummyHash ??= bcrypt.hashSync("not-a-real-password", 10));

// Inside a CRM's iframe the app is a third party: its cookies must be
// SameSite=None (and so Secure, so only over https) or the browser drops them.
const embeddable = embedAllowedOrigins().length > 0 && (publicUrl() ?? "").startsWith("https://");
const crossSite = { httpOnly: true, sameSite: "none", path: "/", secure: true } as const;

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 60 * 60 * 12 },
  ...(embeddable
    ? {
        cookies: {
          sessionToken: { name: "__Secure-next-auth.session-token", options: crossSite },
          callbackUrl: { name: "__Secure-next-auth.callback-url", options: crossSite },
          csrfToken: { name: "__Host-next-auth.csrf-token", options: crossSite },
        },
      }
    : {}),
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const user = await getUserForSignIn(parsed.data.email);
        const ok = await bcrypt.compare(parsed.data.password, user?.passwordHash ?? getDummyHash());
        if (!user || !ok) return null;
        if (!user.active) throw new Error(SIGN_IN_ERRORS.inactive);
        await recordUsage(user.id, "SIGN_IN");
        return { id: user.id, email: user.email, name: user.name, role: user.role, teamId: user.teamId };
      },
    }),
  ],
  callbacks: {
    // Only normalised same-origin paths (lib/validation/callback-url.ts); anything else goes home.
    redirect({ url, baseUrl }) {
      return safeRedirect(url, baseUrl);
    },
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = user.role;
        token.teamId = user.teamId;
      }
      return token;
    },
    session({ session, token }) {
      if (token.uid && token.role) {
        session.user = {
          id: token.uid,
          email: token.email ?? "",
          name: token.name ?? "",
          role: token.role,
          teamId: token.teamId ?? null,
        };
      }
      return session;
    },
  },
};
