import "server-only";
import bcrypt from "bcryptjs";
import { databaseLimiter } from "@/lib/data/sign-in-limits";
import { getUserForSignIn, recordUsage } from "@/lib/data/users";
import { DomainError } from "@/lib/domain/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import type { SignInInput } from "@/lib/validation/auth";
import { SignInThrottle } from "./sign-in-throttle";

// Use case: a person signs in with email and password, under the sign-in
// throttle. Returns the user for the session token, null for wrong
// credentials; throws DomainError RATE_LIMITED (retryAfter in seconds) when
// paused, FORBIDDEN for a deactivated account.

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  sessionVersion: number;
}

// Compare against a dummy hash when the user is unknown, so response time does
// not reveal which emails have accounts.
let dummyHash: string | undefined;
const getDummyHash = () => (dummyHash ??= bcrypt.hashSync("not-a-real-password", 10));

const globalForThrottle = globalThis as unknown as { nudgeSignInThrottle?: SignInThrottle };
const throttle = () => (globalForThrottle.nudgeSignInThrottle ??= new SignInThrottle(databaseLimiter));

export async function signInWithPassword(input: SignInInput, address: string | null): Promise<SignedInUser | null> {
  const user = await throttle().attempt({ account: input.email, address }, async () => {
    const row = await getUserForSignIn(input.email);
    const ok = await bcrypt.compare(input.password, row?.passwordHash ?? getDummyHash());
    return row && ok ? { failed: false, value: row } : { failed: true };
  });
  if (!user) return null;
  if (!user.active) throw new DomainError("FORBIDDEN", "This account has been deactivated");
  await recordUsage(user.id, "SIGN_IN");
  return { id: user.id, email: user.email, name: user.name, role: user.role, teamId: user.teamId, sessionVersion: user.sessionVersion };
}
