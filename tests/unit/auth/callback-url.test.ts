import { describe, expect, it } from "vitest";
import { safeCallbackUrl, safeRedirect, sameOriginPath } from "@/lib/validation/callback-url";

// What the sign-in page receives is the query value once decoded by the URL
// parser, so "%2F%09%2Fevil" arrives as "/\t/evil". Both the decoded and the
// still-encoded forms are tried here.
const REFUSED: Array<[string, string]> = [
  ["tab inside //", "/\t/evil.example/phish"],
  ["newline inside //", "/\n/evil.example"],
  ["carriage return", "/\r\n/evil.example"],
  ["NUL", "/queue\u0000"],
  ["DEL", "/queue\u007f"],
  ["protocol-relative", "//evil.example"],
  ["protocol-relative with path", "//evil.example/queue"],
  ["slash backslash", "/\\evil.example"],
  ["backslash only", "\\\\evil.example"],
  ["backslash inside", "/queue\\..\\x"],
  ["encoded //", "/%2F%2Fevil.example"],
  ["encoded lower-case //", "%2f%2fevil.example"],
  ["encoded / then /", "/%2Fevil.example"],
  ["encoded backslash", "/%5Cevil.example"],
  ["encoded backslash lower-case", "/%5cevil.example"],
  ["encoded tab", "/%09/evil.example"],
  ["encoded newline", "/%0A/evil.example"],
  ["encoded newline in query", "/queue?x=%0Aevil"],
  ["double-encoded //", "/%252F%252Fevil.example"],
  ["double-encoded tab", "/%2509/evil.example"],
  ["double-encoded backslash", "/%255Cevil.example"],
  ["triple-encoded newline", "/%25250A/evil.example"],
  ["dot segment collapsing to //", "/.//evil.example"],
  ["dot-dot segment collapsing to //", "/x/..//evil.example"],
  ["absolute http", "http://evil.example/queue"],
  ["absolute https", "https://evil.example"],
  ["scheme without slashes", "http:evil.example"],
  ["javascript:", "javascript:alert(1)"],
  ["data:", "data:text/html,<script>alert(1)</script>"],
  ["relative path", "queue"],
  ["empty", ""],
  ["whitespace first", " /queue"],
  ["too long", `/${"a".repeat(3000)}`],
];

describe("sameOriginPath", () => {
  for (const [name, value] of REFUSED) {
    it(`refuses ${name}: ${JSON.stringify(value).slice(0, 60)}`, () => {
      expect(sameOriginPath(value)).toBeNull();
    });
  }

  it("refuses non-strings", () => {
    expect(sameOriginPath(undefined)).toBeNull();
    expect(sameOriginPath(null)).toBeNull();
  });

  it.each([
    ["/queue", "/queue"],
    ["/customers?q=O%27Brien&sort=name", "/customers?q=O%27Brien&sort=name"],
    ["/customers?q=50%25", "/customers?q=50%25"],
    ["/customers?q=a+b#top", "/customers?q=a+b#top"],
    ["/customers/123", "/customers/123"],
    ["/dashboards/adoption?from=2026-11-01&to=2026-11-30&team=North", "/dashboards/adoption?from=2026-11-01&to=2026-11-30&team=North"],
    ["/embed/customers/CRM-000006", "/embed/customers/CRM-000006"],
    ["/a/../queue", "/queue"],
    ["/customers?next=//x", "/customers?next=//x"],
  ])("keeps %s as %s", (value, expected) => {
    expect(sameOriginPath(value)).toBe(expected);
  });
});

describe("safeCallbackUrl", () => {
  it.each(["/signin", "/signin?callbackUrl=/queue", "/SIGNIN", "/api/auth/signout", "/api", "/api?x=1", "/x/../api/v1/customers"])("refuses %s", (value) => {
    expect(safeCallbackUrl(value)).toBeNull();
  });
  it("keeps ordinary pages, including ones that only start like the refused ones", () => {
    expect(safeCallbackUrl("/queue?focus=1")).toBe("/queue?focus=1");
    expect(safeCallbackUrl("/apiary")).toBe("/apiary");
    expect(safeCallbackUrl("/signing")).toBe("/signing");
  });
  it("refuses everything sameOriginPath refuses", () => {
    for (const [, value] of REFUSED) expect(safeCallbackUrl(value)).toBeNull();
  });
});

describe("safeRedirect (next-auth redirect callback)", () => {
  const base = "http://127.0.0.1:3000";
  it("keeps same-origin paths and absolute same-origin URLs", () => {
    expect(safeRedirect("/signin", base)).toBe(`${base}/signin`);
    expect(safeRedirect("/customers?q=a", base)).toBe(`${base}/customers?q=a`);
    expect(safeRedirect(`${base}/queue?x=1`, base)).toBe(`${base}/queue?x=1`);
  });
  it.each([
    "https://evil.example/queue",
    "http://127.0.0.1:3001/queue",
    "https://127.0.0.1:3000/queue",
    "//evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    `${base}//evil.example`,
    `${base}/%2F%2Fevil.example`,
    "http://[bad",
  ])("sends %s to the base URL", (value) => {
    expect(safeRedirect(value, base)).toBe(`${base}/`);
  });
});
