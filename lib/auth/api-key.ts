import "server-only";
import { admitted } from "./admission";
import { answering, apiError, toApiResponse } from "./api";
import { consumeRateLimit, rateLimitHeaders, RATE_WINDOW_S } from "./api-rate-limit";
import { verifyApiKey } from "@/lib/services/api-keys";
import type { ConsentPurpose } from "@/lib/engine/consent";
import { customerIdsByExternalId } from "@/lib/data/ingest";
import { MAX_BODY_BYTES, MAX_EXTERNAL_ID, type ApiScope } from "@/lib/validation/api";
import { pathParamProblem } from "@/lib/validation/postgres-safe";

export interface ApiCaller {
  keyId: string;
  scopes: ApiScope[];
  /** Purposes the key is limited to; empty: every purpose (lib/auth/api-key.ts mayUsePurpose). */
  purposes: ConsentPurpose[];
}

/** The contact purposes whose suggestions a key may read: "all" for a key without limit (a key limited to profiling alone reads none). */
export function contactPurposesOf(caller: Pick<ApiCaller, "purposes">): ("SERVICE" | "MARKETING")[] | "all" {
  if (caller.purposes.length === 0) return "all";
  return caller.purposes.filter((p): p is "SERVICE" | "MARKETING" => p !== "PROFILING");
}

/** Whether a key may touch data for this purpose (a key without a limit may touch every purpose). */
export function mayUsePurpose(caller: Pick<ApiCaller, "purposes">, purpose: ConsentPurpose): boolean {
  return caller.purposes.length === 0 || caller.purposes.includes(purpose);
}

/**
 * Wraps a /api/v1 route: admission (503/429 with Retry-After when the
 * server is saturated), Bearer key (401 when missing, unknown or revoked),
 * the key's rate limit (429 with Retry-After; every later answer carries the
 * RateLimit-* headers), scope (403); a DomainError the handler throws is
 * answered by toApiResponse.
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
        const budget = await consumeRateLimit(check.keyId, check.rateLimitPerMinute);
        const headers = rateLimitHeaders(budget);
        if (!budget.allowed) {
          return apiError(429, "RATE_LIMITED", `This API key made more than ${budget.limit} requests in ${RATE_WINDOW_S} s. Retry after the time in Retry-After.`, undefined, headers);
        }
        let res: Response;
        try {
          res = check.scopes.includes(scope)
            ? await handler({ keyId: check.keyId, scopes: check.scopes, purposes: check.purposes }, req, ctx)
            : apiError(403, "FORBIDDEN", `This API key lacks the '${scope}' scope.`);
        } catch (err) {
          res = toApiResponse(err);
        }
        for (const [k, v] of Object.entries(headers)) if (!res.headers.has(k)) res.headers.set(k, v);
        return res;
      });
    });
}

type BodyResult = { ok: true; body: unknown } | { ok: false; response: Response };

/** JSON media types: application/json and application/*+json (parameters such as charset allowed). */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i;

/**
 * Reads a JSON body, or returns the 4xx response to send: 415 for a declared
 * non-JSON content type, 413 over MAX_BODY_BYTES (stops reading there), 400 for
 * an empty body, bytes that are not UTF-8, or text that is not JSON.
 */
export async function readJson(req: Request, maxBytes = MAX_BODY_BYTES): Promise<BodyResult> {
  const text = await readText(req, { maxBytes, type: JSON_TYPE, typeRequired: false, typeMessage: "Send the body as JSON with 'Content-Type: application/json'.", code: "INVALID_JSON", what: "a JSON object", split: "the batch" });
  if (!text.ok) return text;
  try {
    return { ok: true, body: JSON.parse(text.text) };
  } catch {
    return { ok: false, response: apiError(400, "INVALID_JSON", "The request body is not valid JSON.") };
  }
}

/** CSV media type: text/csv (parameters such as charset allowed). */
const CSV_TYPE = /^text\/csv\s*(?:;.*)?$/i;

/**
 * Reads a CSV body as text, or returns the 4xx response to send: 415 unless the
 * content type is text/csv, 413 over `maxBytes` (stops reading there), 400 for
 * an empty body or bytes that are not UTF-8.
 */
export async function readCsv(req: Request, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  return readText(req, { maxBytes, type: CSV_TYPE, typeRequired: true, typeMessage: "Send the file as CSV with 'Content-Type: text/csv'.", code: "INVALID_BODY", what: "a CSV file with a header line", split: "the file" });
}

async function readText(
  req: Request,
  o: { maxBytes: number; type: RegExp; typeRequired: boolean; typeMessage: string; code: string; what: string; split: string },
): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  const type = req.headers.get("content-type")?.trim() ?? "";
  if ((type !== "" || o.typeRequired) && !o.type.test(type)) {
    return { ok: false, response: apiError(415, "UNSUPPORTED_MEDIA_TYPE", o.typeMessage) };
  }
  const { maxBytes } = o;
  const tooLarge = () => ({ ok: false as const, response: apiError(413, "BODY_TOO_LARGE", `The body is larger than ${maxBytes} bytes; split ${o.split}.`) });
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();

  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (req.body) {
      const reader = req.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => {});
          return tooLarge();
        }
        chunks.push(value);
      }
    }
  } catch {
    return { ok: false, response: apiError(400, "INVALID_BODY", "The request body could not be read.") };
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, response: apiError(400, o.code, "The request body is not UTF-8 text.") };
  }
  if (text.trim() === "") return { ok: false, response: apiError(400, o.code, `The request body is empty; send ${o.what}.`) };
  return { ok: true, text };
}

/** Reads a JSON object body (not an array, string, number or null), or returns the 4xx response to send. */
export async function readJsonObject(req: Request): Promise<BodyResult> {
  const json = await readJson(req);
  if (!json.ok) return json;
  if (typeof json.body !== "object" || json.body === null || Array.isArray(json.body)) {
    return { ok: false, response: apiError(400, "INVALID_BODY", "The body must be a JSON object.", [{ path: "", message: "Expected an object" }]) };
  }
  return json;
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

/**
 * The customer an `{externalId}` path segment names (an erased customer's
 * external id no longer resolves), or the 400/404 response to send.
 */
export async function customerFromPath(externalId: string): Promise<{ ok: true; id: string } | { ok: false; response: Response }> {
  const problem = pathParamProblem(externalId, MAX_EXTERNAL_ID);
  if (problem === "bad") {
    return { ok: false, response: apiError(400, "INVALID_PARAMETER", "The externalId in the path contains control characters or is not valid Unicode.", [{ path: "externalId", message: "Not a valid externalId" }]) };
  }
  const id = problem === "too-long" ? undefined : (await customerIdsByExternalId([externalId])).get(externalId);
  if (!id) return { ok: false, response: apiError(404, "NOT_FOUND", `No customer has the externalId "${externalId.slice(0, MAX_EXTERNAL_ID)}".`) };
  return { ok: true, id };
}

/** Export and erasure touch every purpose: only a key without a purpose limit may call them. */
export function unlimitedKeyRequired(caller: Pick<ApiCaller, "purposes">, what: string): Response | null {
  return caller.purposes.length === 0 ? null : apiError(403, "FORBIDDEN", `This API key is limited to ${caller.purposes.join(", ")}; ${what} needs a key without a purpose limit.`);
}
