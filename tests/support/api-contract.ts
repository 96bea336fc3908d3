// Calls /api/v1 the way an integrator does: through a client generated from the
// served OpenAPI document (openapi-typescript types + openapi-fetch), and checks
// every answer against that document with Ajv. The client's fetch dispatches
// to the route handlers in this process (no server to start), with the path
// segments decoded once, as Next.js's router does.
import Ajv, { type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import createClient from "openapi-fetch";
import type { paths } from "./api-types";

type Ctx = { params: Promise<Record<string, string>> };
/** Route modules by path template (method syntax: a handler typed for its own params fits). */
export type Routes = Record<string, { GET?(req: Request, ctx: Ctx): Promise<Response>; POST?(req: Request, ctx: Ctx): Promise<Response>; DELETE?(req: Request, ctx: Ctx): Promise<Response> }>;

export const BASE_URL = "http://nudge.test";

/** A fetch that answers from the route handlers: `routes` maps path templates ("/api/v1/customers/{externalId}/recommendations") to handlers. */
export function inProcessFetch(routes: Routes) {
  const compiled = Object.entries(routes).map(([template, methods]) => {
    const names: string[] = [];
    const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), "([^/]+)"))}$`);
    return { template, methods, names, pattern };
  });
  return async (req: Request): Promise<Response> => {
    const { pathname } = new URL(req.url);
    for (const r of compiled) {
      const m = r.pattern.exec(pathname);
      if (!m) continue;
      const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      const ctx = { params: Promise.resolve(params) };
      if (req.method === "GET" && r.methods.GET) return r.methods.GET(req, ctx);
      if (req.method === "POST" && r.methods.POST) return r.methods.POST(req, ctx);
      if (req.method === "DELETE" && r.methods.DELETE) return r.methods.DELETE(req, ctx);
      return new Response(null, { status: 405 });
    }
    return new Response(null, { status: 404 });
  };
}

export function apiClient(routes: Routes, key: string | null) {
  return createClient<paths>({ baseUrl: BASE_URL, fetch: inProcessFetch(routes), headers: key ? { authorization: `Bearer ${key}` } : {} });
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { operationId?: string; responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }>; headers?: Record<string, { $ref?: string }> }> }>>;
  components: { responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, { $ref?: string }> }>; headers: Record<string, { required?: boolean }> };
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/**
 * Validates answers against the document: the status must be documented for the
 * operation, the body must match that response's schema, and the headers it
 * names (Retry-After, RateLimit-*) must be present. Records which statuses of
 * which operation were seen, so a test can tell what it has not driven.
 */
export function contractChecker(doc: OpenApiDoc) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc, "openapi");
  const seen = new Map<string, Set<string>>();
  const failures: string[] = [];

  function responseOf(path: string, method: string, status: string) {
    const op = doc.paths[path]?.[method];
    if (!op) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    const r = op.responses[status];
    if (!r) return null;
    if (r.$ref) {
      const name = r.$ref.split("/").pop()!;
      return { ...doc.components.responses[name]!, base: pointer("components", "responses", name), operationId: op.operationId! };
    }
    return { ...r, base: pointer("paths", path, method, "responses", status), operationId: op.operationId! };
  }

  return {
    seen,
    failures,
    /** Checks one answer; returns the problems found (also kept in `failures`). */
    check(path: string, method: "get" | "post" | "delete", response: Response, body: unknown): string[] {
      const status = String(response.status);
      const problems: string[] = [];
      const r = responseOf(path, method, status);
      if (!r) {
        problems.push(`${method.toUpperCase()} ${path}: status ${status} is not documented`);
      } else {
        if (!seen.has(r.operationId)) seen.set(r.operationId, new Set());
        seen.get(r.operationId)!.add(status);
        if (!r.content?.["application/json"]?.schema) problems.push(`${r.operationId} ${status}: no schema`);
        else {
          const validate = ajv.getSchema(`openapi#/${r.base}/content/application~1json/schema`) ?? ajv.compile({ $ref: `openapi#/${r.base}/content/application~1json/schema` });
          if (!validate(body)) {
            problems.push(`${r.operationId} ${status}: ${(validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`).join("; ")} in ${JSON.stringify(body).slice(0, 300)}`);
          }
        }
        for (const [header, h] of Object.entries(r.headers ?? {})) {
          const required = h.$ref ? doc.components.headers[h.$ref.split("/").pop()!]?.required : (h as { required?: boolean }).required;
          if (required && !response.headers.has(header)) problems.push(`${r.operationId} ${status}: header ${header} missing`);
        }
      }
      failures.push(...problems);
      return problems;
    },
  };
}

export type ContractChecker = ReturnType<typeof contractChecker>;
