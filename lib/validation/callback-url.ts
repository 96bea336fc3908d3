// Where the app may send someone after sign-in (or sign-out): only a path on
// this origin. Browsers and servers normalise URLs in ways a prefix check does
// not see (a tab or newline inside "//" is dropped, "\" is read as "/", "."
// segments collapse, a percent-encoding may be decoded once more by a proxy),
// so the value is parsed the way a browser does, and refused when any decoding
// of it could be read as another origin or carries a control character.

const PROBE_ORIGIN = "http://x.invalid";
const MAX_LENGTH = 2048;
const MAX_DECODES = 5;
// C0 controls (tab, newline, NUL, ...), DEL and C1 controls, and backslashes.
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * Every decoding of the value (itself first), or null when they never settle.
 * A malformed escape ends the chain: nothing can decode past it ("50%25" is "50%").
 */
function decodings(value: string): string[] | null {
  const out = [value];
  let current = value;
  for (let i = 0; i < MAX_DECODES; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return out;
    }
    if (next === current) return out;
    out.push(next);
    current = next;
  }
  return null;
}

/** A path on this origin that cannot be read as another origin once decoded. */
function isPlainPath(value: string): boolean {
  return value.startsWith("/") && !value.startsWith("//") && !FORBIDDEN_CHARS.test(value);
}

/**
 * The value as a normalised same-origin path ("/customers?q=a"), or null when
 * it is anything else: absolute or protocol-relative URLs, backslashes, control
 * characters (raw or percent-encoded, at any depth), malformed encodings.
 */
export function sameOriginPath(value: string | undefined | null): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH) return null;
  const all = decodings(value);
  if (!all || !all.every(isPlainPath)) return null;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PROBE_ORIGIN) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can collapse into "//" ("/.//evil.example"): check the result too.
  return isPlainPath(path) ? path : null;
}

const NOT_A_TARGET = /^\/(signin|api)(\/|$|\?|#)/i;

/** Only same-origin paths may be used as a post-sign-in target (no open redirects), and never /signin or /api. */
export function safeCallbackUrl(value: string | undefined | null): string | null {
  const path = sameOriginPath(value);
  if (!path || NOT_A_TARGET.test(path)) return null;
  return path;
}

/**
 * For next-auth's `redirect` callback: the URL it may redirect to, given the
 * app's base URL. Same-origin absolute URLs and paths are kept (normalised);
 * anything else goes to the base URL, whose page sends each role to its start.
 */
export function safeRedirect(url: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  let candidate = url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return base.toString();
    }
    if (parsed.origin !== base.origin) return base.toString();
    candidate = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  }
  const path = sameOriginPath(candidate);
  return path ? new URL(path, base.origin).toString() : base.toString();
}
