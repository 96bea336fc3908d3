// A CRM origin allowed to frame the embed panel: what admins type on
// /admin/api-keys, checked here for the form and the server action alike.
// Only origins go into the CSP's frame-ancestors, so nothing typed here can add
// a directive: the value kept is URL's own serialisation of the origin.
import { z } from "zod";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The normalised origin (scheme://host[:port], lower case), or why it is refused. */
export function parseEmbedOrigin(raw: string): { ok: true; origin: string } | { ok: false; message: string } {
  const text = raw.trim().replace(/\/$/, "");
  if (!text) return { ok: false, message: "Enter an origin such as https://acme.lightning.force.com" };
  if (/[\s;,'"*]/.test(text)) return { ok: false, message: "One origin without spaces, commas, quotes or wildcards" };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: "Not a URL: write it as https://host (with the scheme)" };
  }
  const local = url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !local) return { ok: false, message: "Must be https:// (plain http only for localhost, in development)" };
  if (url.username || url.password) return { ok: false, message: "An origin has no user name or password" };
  if (!/^https?:\/\/[^/?#]+$/i.test(text)) return { ok: false, message: `Only the origin, without a path: ${url.origin}` };
  return { ok: true, origin: url.origin };
}

export const embedOriginSchema = z
  .string({ message: "Enter an origin" })
  .max(200, "Use at most 200 characters")
  .transform((v, ctx) => {
    const parsed = parseEmbedOrigin(v);
    if (parsed.ok) return parsed.origin;
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  });

export const addEmbedOriginSchema = z.object({ origin: embedOriginSchema });
export const removeEmbedOriginSchema = z.object({ origin: z.string().max(200) });
