import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "@/lib/config/security-headers";

const directives = (csp: string) => new Map(csp.split(/;\s*/).map((d) => [d.split(" ")[0]!, d.split(" ").slice(1).join(" ")]));

describe("Content-Security-Policy", () => {
  const csp = contentSecurityPolicy("abc123==", { frameAncestors: "'none'", dev: false, https: false });
  const d = directives(csp);

  it("runs only scripts with this request's nonce, and what they load", () => {
    expect(d.get("script-src")).toBe("'self' 'nonce-abc123==' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(d.get("style-src")).toBe("'self' 'nonce-abc123=='");
    // Server-rendered style attributes (Recharts, progress bars) only; never <style> elements or scripts.
    expect(d.get("style-src-attr")).toBe("'unsafe-inline'");
  });

  it("forbids plugins, base and form hijacking, and framing as configured", () => {
    expect(d.get("object-src")).toBe("'none'");
    expect(d.get("base-uri")).toBe("'self'");
    expect(d.get("form-action")).toBe("'self'");
    expect(d.get("frame-ancestors")).toBe("'none'");
    expect(d.get("default-src")).toBe("'self'");
    expect(d.has("upgrade-insecure-requests")).toBe(false);
    expect(contentSecurityPolicy("n", { frameAncestors: "'self' https://crm.example", dev: false, https: true })).toMatch(/frame-ancestors 'self' https:\/\/crm\.example; upgrade-insecure-requests$/);
  });

  it("allows eval and the hot-reload socket in development only", () => {
    const dev = directives(contentSecurityPolicy("n", { frameAncestors: "'none'", dev: true, https: false }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
    expect(dev.get("connect-src")).toBe("'self' ws: wss:");
    expect(d.get("connect-src")).toBe("'self'");
  });
});
