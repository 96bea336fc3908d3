/** Only same-site relative paths may be used as a post-sign-in target (no open redirects). */
export function safeCallbackUrl(value: string | undefined | null): string | null {
  if (!value) return null;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  if (value.startsWith("/signin") || value.startsWith("/api/")) return null;
  return value;
}
