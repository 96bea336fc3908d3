// The embed inside a CRM (issue 14): a token the CRM's server gets for a rep
// and one customer opens the panel without cookies; it is bound to that user's
// session version and that customer, expires, and cannot be forged.
import { describe, expect, it } from "vitest";
process.env.NEXTAUTH_SECRET ??= "integration-test-secret-0123456789";
const { EXCHANGE_TTL_S, FRAME_TTL_S, signEmbedToken, verifyEmbedToken } = await import("@/lib/auth/embed-token");
const { embedUser, frameTokenFor, issueEmbedToken, reactInEmbed } = await import("@/lib/services/embed");
const { db } = await import("@/lib/data/db");
const { makeCustomer, makeRecommendation, repWithRecommendation } = await import("../support/fixtures");

const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

describe("embed tokens", () => {
  it("a token for a rep and their customer opens the panel as that rep, for that customer only", async () => {
    const { rep, customer } = await repWithRecommendation();
    const ext = (await db().customer.findUniqueOrThrow({ where: { id: customer.id }, select: { externalId: true } })).externalId;
    const issued = await issueEmbedToken({ repEmail: rep.email, customerExternalId: ext });
    expect(issued.path).toBe(`/embed/customers/${encodeURIComponent(ext)}?token=${issued.token}`);
    expect((await embedUser(issued.token, ext, ["exchange"]))?.user.id).toBe(rep.id);
    expect(await embedUser(issued.token, "another-record", ["exchange"])).toBeNull();
    // An exchange token is not a frame token, and the frame token is.
    expect(await embedUser(issued.token, ext, ["frame"])).toBeNull();
    const claims = verifyEmbedToken(issued.token, ["exchange"])!;
    expect((await embedUser(frameTokenFor(claims), ext, ["frame"]))?.user.id).toBe(rep.id);
  });

  it("another rep's customer, an unknown or inactive rep: 404, no token", async () => {
    const a = await repWithRecommendation();
    const b = await repWithRecommendation();
    const extB = (await db().customer.findUniqueOrThrow({ where: { id: b.customer.id }, select: { externalId: true } })).externalId;
    await expect(issueEmbedToken({ repEmail: a.rep.email, customerExternalId: extB })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(issueEmbedToken({ repEmail: "nobody@test.local", customerExternalId: extB })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await db().user.update({ where: { id: b.rep.id }, data: { active: false } });
    await expect(issueEmbedToken({ repEmail: b.rep.email, customerExternalId: extB })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("expires, and signing out everywhere (the session version) ends it at once", async () => {
    const { rep, customer } = await repWithRecommendation();
    const ext = (await db().customer.findUniqueOrThrow({ where: { id: customer.id }, select: { externalId: true } })).externalId;
    const now = new Date();
    const issued = await issueEmbedToken({ repEmail: rep.email, customerExternalId: ext }, now);
    expect(verifyEmbedToken(issued.token, ["exchange"], at(now, EXCHANGE_TTL_S - 1))).not.toBeNull();
    expect(verifyEmbedToken(issued.token, ["exchange"], at(now, EXCHANGE_TTL_S))).toBeNull();
    const frame = signEmbedToken({ typ: "frame", sub: rep.id, sv: 0, cust: ext }, now).token;
    expect(verifyEmbedToken(frame, ["frame"], at(now, FRAME_TTL_S))).toBeNull();
    await db().user.update({ where: { id: rep.id }, data: { sessionVersion: { increment: 1 } } });
    expect(await embedUser(issued.token, ext, ["exchange"])).toBeNull();
  });

  it("a token altered anywhere is refused", async () => {
    const { rep, customer } = await repWithRecommendation();
    const ext = (await db().customer.findUniqueOrThrow({ where: { id: customer.id }, select: { externalId: true } })).externalId;
    const { token } = await issueEmbedToken({ repEmail: rep.email, customerExternalId: ext });
    const [body, sig] = token.split(".") as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, "base64url").toString()), cust: "other" })).toString("base64url");
    for (const bad of [`${forged}.${sig}`, `${body}.${sig.slice(0, -2)}AA`, `${body}.${sig}.x`, body, "", "a.b"]) expect(verifyEmbedToken(bad, ["exchange", "frame"])).toBeNull();
  });

  it("a reaction from the frame acts on the frame's customer only", async () => {
    const { rep, customer, action, rec } = await repWithRecommendation();
    const ext = (await db().customer.findUniqueOrThrow({ where: { id: customer.id }, select: { externalId: true } })).externalId;
    const other = await makeCustomer(rep.id);
    const otherRec = await makeRecommendation({ customerId: other.id, actionTypeId: action.id, repId: rep.id });
    const frame = signEmbedToken({ typ: "frame", sub: rep.id, sv: 0, cust: ext }).token;
    const user = (await embedUser(frame, ext, ["frame"]))!.user;
    await expect(reactInEmbed(user, frame, { kind: "ACCEPT", recommendationId: otherRec.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await db().recommendation.findUniqueOrThrow({ where: { id: otherRec.id } })).status).toBe("PENDING");
    expect((await reactInEmbed(user, frame, { kind: "ACCEPT", recommendationId: rec.id })).status).toBe("ACCEPTED");
  });
});
