import "server-only";
import { admitted } from "./admission";
import { answering, apiError } from "./api";
import { verifyApiKey } from "@/lib/services/api-keys";
import type { ApiScope } from "@/lib/validation/api";

export interface ApiCaller {
  keyId: string;
  scopes: ApiScope[];
}

/**
 * Wraps a /api/v1 route: admission (503/429 with Retry-After when the
 * server is saturated), Bearer key (401 when missing, unknown or revoked),
 * scope (403); a DomainError the handler throws is answered by toApiResponse.
 */
export function withApiKey<C>(scope: ApiScope, handler: (caller: ApiCaller, req: Request, ctx: C) => Promise<Response>) {
  return async (req: Request, ctx: C): Promise<Response> =>
    answering(async () => {
      const header = req.headers.get("authorization");
      const presented = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
      return admitted(`key:${presented ?? "none"}`, async () => {
        const check = await verifyApiKey(presented);
        if (!check.ok) {
          const message =
            check.reason === "missing" ? "Send an API key as 'Authorization: Bearer <key>'." : check.reason === "revoked" ? "This API key has been revoked." : "This API key is not valid.";
          return apiError(401, "UNAUTHORIZED", message);
        }
        if (!check.scopes.includes(scope)) return apiError(403, "FORBIDDEN", `This API key lacks the '${scope}' scope.`);
        return handler({ keyId: check.keyId, scopes: check.scopes }, req, ctx);
      });
    });
}

/** Reads a JSON body, or returns the 400 response to send. */
export async function readJson(req: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  try {
    return { ok: true, body: await req.json() };
  } catch {
    return { ok: false, response: apiError(400, "INVALID_JSON", "The request body is not valid JSON.") };
  }
}

/** Reads `{ [key]: [...] }`, or returns the 400/413 response to send. */
export async function readBatch(req: Request, key: string, max: number): Promise<{ ok: true; items: unknown[] } | { ok: false; response: Response }> {
  const json = await readJson(req);
  if (!json.ok) return json;
  const body = json.body;
  const items = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(items)) {
    return { ok: false, response: apiError(400, "INVALID_BODY", `The body must be an object with a "${key}" array.`, [{ path: key, message: "Expected an array" }]) };
  }
  if (items.length > max) {
    return { ok: false, response: apiError(413, "TOO_MANY_ITEMS", `Send at most ${max} ${key} per call (got ${items.length}); split the batch.`) };
  }
  if (items.length === 0) {
    return { ok: false, response: apiError(400, "INVALID_BODY", `The "${key}" array is empty.`, [{ path: key, message: "Send at least one item" }]) };
  }
  return { ok: true, items };
}
