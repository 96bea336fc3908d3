import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { embedAllowedOrigins, publicUrl } from "@/lib/config/env";
import { endSessions } from "@/lib/data/sessions";
import { db } from "@/lib/data/db";
import { isDomainError } from "@/lib/domain/errors";
import { clientAddress } from "@/lib/services/sign-in-throttle";
import { signInWithPassword } from "@/lib/services/sign-in";
import { signInSchema } from "@/lib/validation/auth";
import { safeRedirect } from "@/lib/validation/callback-url";

import { rateLimitedCode, SIGN_IN_ERRORS } from "./sign-in-errors";

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
      // Errors thrown here reach the form as `error` codes (lib/auth/sign-in-errors.ts).
      async authorize(credentials, req) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        try {
          return await signInWithPassword(parsed.data, clientAddress(req?.headers));
        } catch (e) {
          if (isDomainError(e) && e.code === "RATE_LIMITED") throw new Error(rateLimitedCode(e.retryAfter ?? 60));
          if (isDomainError(e) && e.code === "FORBIDDEN") throw new Error(SIGN_IN_ERRORS.inactive);
          throw e;
        }
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
        token.sv = user.sessionVersion;
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
        session.sessionVersion = token.sv;
      }
      return session;
    },
  },
  events: {
    // Signing out ends every session of the account at once (lib/data/sessions.ts),
    // so a copied or stolen cookie stops working too, not only this browser's.
    async signOut({ token }) {
      if (token?.uid) await endSessions(db(), token.uid);
    },
  },
};
