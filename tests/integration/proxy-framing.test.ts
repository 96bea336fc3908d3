import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { addEmbedOrigin, removeEmbedOrigin } from "@/lib/services/embed-origins";
import { proxy } from "@/proxy";
import { makeUser } from "../support/fixtures";

// The framing policy as the proxy itself answers it (proxy.ts, called as Next
// calls it), after an admin's change through the service the admin page uses.
// Issue 14: an e2e check read frame-ancestors after following the panel's
// redirect of a visitor without a token or session to /signin, whose policy is
// 'none' whatever admins allowed, and so never saw the stored origin. These
// pin both halves: /embed/* names the origin at once, every other response
// (the sign-in page included) never does.

const APP = "http://127.0.0.1:3000";

async function policy(path: string, headers: Record<string, string> = {}) {
  const res = await proxy(new NextRequest(`${APP}${path}`, { headers }));
  const csp = res.headers.get("content-security-policy") ?? "";
  return { frameAncestors: /frame-ancestors ([^;]*)/.exec(csp)?.[1] ?? null, xFrameOptions: res.headers.get("x-frame-options"), location: res.headers.get("location") };
}

describe("proxy framing policy", () => {
  it("names an origin an admin allowed on /embed/* responses at once, and drops it when removed", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const origin = `https://crm-${admin.id.slice(0, 8)}.example.com`;
    expect((await policy("/embed/customers/c-1", { "sec-fetch-dest": "iframe" })).frameAncestors ?? "").not.toContain(origin);

    await addEmbedOrigin(admin.id, origin);
    const framed = await policy("/embed/customers/c-1", { "sec-fetch-dest": "iframe" });
    expect(framed.frameAncestors).toMatch(/^'self' /);
    expect(framed.frameAncestors!.split(" ")).toContain(origin);
    expect(framed.xFrameOptions).toBeNull();

    await removeEmbedOrigin(admin.id, origin);
    expect((await policy("/embed/customers/c-1")).frameAncestors ?? "").not.toContain(origin);
  });

  it("never lets anything frame the other pages, the sign-in page a token-less panel redirects to included", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const origin = `https://other-${admin.id.slice(0, 8)}.example.com`;
    await addEmbedOrigin(admin.id, origin);
    try {
      for (const path of ["/signin", "/signin?callbackUrl=%2Fembed%2Fcustomers%2Fc-1", "/queue", "/api/v1/customers", "/admin/api-keys"]) {
        const p = await policy(path);
        expect(p.frameAncestors, path).toBe("'none'");
        expect(p.xFrameOptions, path).toBe("DENY");
      }
      // A signed-out visit to a page is sent to sign-in (not framed either).
      expect((await policy("/queue")).location).toMatch(/\/signin\?callbackUrl=%2Fqueue$/);
    } finally {
      await removeEmbedOrigin(admin.id, origin);
    }
  });
});
