import { describe, expect, it } from "vitest";
import { parseEmbedOrigin } from "@/lib/validation/embed-origins";

describe("parseEmbedOrigin", () => {
  it("keeps https origins and http://localhost, normalised to scheme://host[:port]", () => {
    expect(parseEmbedOrigin("https://Acme.Lightning.Force.com/")).toEqual({ ok: true, origin: "https://acme.lightning.force.com" });
    expect(parseEmbedOrigin("  https://app.hubspot.com:443 ")).toEqual({ ok: true, origin: "https://app.hubspot.com" });
    expect(parseEmbedOrigin("https://crm.example.com:8443")).toEqual({ ok: true, origin: "https://crm.example.com:8443" });
    expect(parseEmbedOrigin("http://localhost:3001")).toEqual({ ok: true, origin: "http://localhost:3001" });
  });

  it("refuses plain http elsewhere, paths, wildcards, lists and anything that could add a CSP directive", () => {
    for (const raw of ["http://crm.example.com", "http://localhost.evil.com", "ftp://crm.example.com", "crm.example.com", "https://crm.example.com/x", "https://crm.example.com?a=1", "https://crm.example.com#x", "https://*.example.com", "https://a.com,https://b.com", "https://a.com; frame-ancestors *", "'self'", "*", "", "data:text/html,x"]) {
      expect(parseEmbedOrigin(raw).ok, raw).toBe(false);
    }
  });
});
