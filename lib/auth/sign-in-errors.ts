// The `error` codes next-auth hands the sign-in form (authorize throws them,
// signIn({ redirect: false }) returns them), and the sentences the form shows.
// No server imports: the form (a client component) uses this module too.

export const SIGN_IN_ERRORS = {
  invalid: "CredentialsSignin",
  inactive: "AccountDeactivated",
  /** Followed by ":<seconds to wait>". */
  rateLimited: "RateLimited",
} as const;

export const rateLimitedCode = (retryAfterSeconds: number) => `${SIGN_IN_ERRORS.rateLimited}:${Math.max(1, Math.ceil(retryAfterSeconds))}`;

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  return `${Math.ceil(minutes / 60)} hours`;
}

/** The sentence for an error code; `now` and `timeZone` make the "at 07:32" part testable. */
export function signInErrorMessage(code: string | null | undefined, now = new Date(), timeZone?: string): string {
  if (code === SIGN_IN_ERRORS.inactive) return "This account has been deactivated. Ask your admin to reactivate it.";
  const limited = code?.match(/^RateLimited:(\d+)$/);
  if (limited) {
    const seconds = Number(limited[1]);
    const at = new Date(now.getTime() + seconds * 1000).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone });
    return `Too many sign-in attempts. For your security, sign-in is paused: try again in ${waitText(seconds)} (at ${at}).`;
  }
  return "That email and password don't match an account. Check both and try again.";
}
