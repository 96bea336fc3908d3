// What Postgres will store, checked before it is asked to: every boundary
// schema (the API, server actions) builds its text, JSON, date and money fields
// from these, so a value the database would refuse (and answer with an error
// the app can only report as a 500) is a field-level 400 instead.
//
// - text: Postgres `text` cannot hold NUL (U+0000); a lone UTF-16 surrogate
//   cannot be encoded as UTF-8 at all.
// - jsonb: the same for every key and string value, plus a depth and a size
//   limit (a 10,000-deep payload overflows Postgres's stack, and nobody's CRM
//   event needs more than a few levels).
// - dates: years 1900–2100 only (year 0000 does not exist in Postgres; the JS
//   Date range is far wider than any real customer date).
// - money: NUMERIC(precision, scale) columns, checked with their real limits,
//   from numbers or from strictly decimal strings ("0x10", "1e3", " 12 " and
//   "Infinity" are not amounts).
import { z } from "zod";

/** Years a date or timestamp may have. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

/** Limits of JSON the API stores (event payloads). */
export const JSON_LIMITS = { depth: 10, bytes: 16 * 1024 } as const;

const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

export const hasNul = (s: string): boolean => NUL.test(s);
export const hasLoneSurrogate = (s: string): boolean => LONE_SURROGATE.test(s);
export const hasControl = (s: string): boolean => CONTROL.test(s);

/** Why Postgres would refuse this string, or null when it stores it as sent. */
export function textProblem(s: string, opts: { control?: boolean } = {}): string | null {
  if (hasNul(s)) return "Must not contain the NUL character (\\u0000)";
  if (hasLoneSurrogate(s)) return "Must not contain a lone UTF-16 surrogate (not valid Unicode)";
  if (opts.control && hasControl(s)) return "Must not contain control characters";
  return null;
}

export interface SafeTextOptions {
  /** Trim surrounding white space first (default true). */
  trim?: boolean;
  /** At least this many characters (after trimming); a message "Required" when 1. */
  min?: number;
  /** Also refuse control characters (identifiers, keys, emails). */
  identifier?: boolean;
  /** Message when over the maximum. */
  tooLong?: string;
  /** Message when under the minimum. */
  tooShort?: string;
}

/** A string Postgres `text` stores as sent: no NUL, no lone surrogate, at most `max` characters. */
export function safeText(max: number, opts: SafeTextOptions = {}) {
  let s = z.string({ message: "Expected a string" });
  if (opts.trim !== false) s = s.trim();
  if (opts.min) s = s.min(opts.min, opts.tooShort ?? (opts.min === 1 ? "Required" : `At least ${opts.min} characters`));
  return s.max(max, opts.tooLong ?? `At most ${max} characters`).superRefine((v, ctx) => {
    const problem = textProblem(v, { control: opts.identifier });
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** An email address as text (lower-cased when `lower`), safe for Postgres. */
export function safeEmail(opts: { lower?: boolean; message?: string } = {}) {
  let s = z.string({ message: "Expected a string" }).trim();
  if (opts.lower) s = s.toLowerCase();
  return s
    .max(320, "At most 320 characters")
    .superRefine((v, ctx) => {
      const problem = textProblem(v, { control: true });
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .pipe(z.email(opts.message ?? "Not a valid email address"));
}

// ---------- JSON ----------

/**
 * Why Postgres `jsonb` would refuse this value (or it breaks the limits), as a
 * path and a message; null when it is fine. Iterative, so a value nested
 * thousands deep is measured without using the stack.
 */
export function jsonProblem(value: unknown, limits: { depth: number; bytes: number } = JSON_LIMITS): { path: (string | number)[]; message: string } | null {
  const stack: { v: unknown; path: (string | number)[]; depth: number }[] = [{ v: value, path: [], depth: 0 }];
  let visited = 0;
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (++visited > limits.bytes) return { path: [], message: `Larger than ${limits.bytes} bytes as JSON` };
    if (typeof v === "string") {
      const p = textProblem(v);
      if (p) return { path, message: p };
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) return { path, message: "Numbers must be finite" };
    } else if (v !== null && typeof v === "object") {
      if (depth >= limits.depth) return { path, message: `Nested deeper than ${limits.depth} levels` };
      if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i], depth: depth + 1 }));
      else {
        for (const [k, x] of Object.entries(v)) {
          const p = textProblem(k);
          if (p) return { path: [...path, k], message: `Key: ${p}` };
          stack.push({ v: x, path: [...path, k], depth: depth + 1 });
        }
      }
    } else if (v !== null && typeof v !== "boolean") {
      return { path, message: "Not a JSON value" };
    }
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? "").length;
  if (bytes > limits.bytes) return { path: [], message: `Larger than ${limits.bytes} bytes as JSON (got ${bytes})` };
  return null;
}

/** A JSON object Postgres `jsonb` stores: no NUL or lone surrogate in keys or strings, within depth and size limits. */
export function safeJson(limits: { depth: number; bytes: number } = JSON_LIMITS) {
  return z.record(z.string(), z.unknown(), { message: "Expected a JSON object" }).superRefine((v, ctx) => {
    const problem = jsonProblem(v, limits);
    if (problem) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  });
}

/** The same check for a value of any JSON type (rules, snapshots). */
export function refineJson<T>(limits: { depth: number; bytes: number }) {
  return (v: T, ctx: z.core.$RefinementCtx<T>) => {
    const problem = jsonProblem(v, limits);
    if (problem) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  };
}

// ---------- dates ----------

const yearOk = (d: Date) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= MIN_YEAR && d.getUTCFullYear() <= MAX_YEAR;
const RANGE = `Must be between ${MIN_YEAR} and ${MAX_YEAR}`;

/** An ISO 8601 timestamp with an offset (e.g. 2026-11-23T10:00:00Z), years 1900–2100; output normalised to UTC with milliseconds. */
export function safeTimestamp(message = "Use an ISO 8601 timestamp, e.g. 2026-11-23T10:00:00Z") {
  const iso = z.iso.datetime({ offset: true });
  return z.string({ message }).transform((s, ctx) => {
    const d = s.length <= 40 && iso.safeParse(s).success ? new Date(s) : null;
    if (!d || Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    if (!yearOk(d)) {
      ctx.addIssue({ code: "custom", message: RANGE });
      return z.NEVER;
    }
    return d.toISOString();
  });
}

/** A calendar date YYYY-MM-DD that exists, years 1900–2100. */
export function safeIsoDate() {
  return z
    .string({ message: "Use the format YYYY-MM-DD" })
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Use the format YYYY-MM-DD")
    .superRefine((s, ctx) => {
      const d = new Date(`${s}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || !d.toISOString().startsWith(s)) ctx.addIssue({ code: "custom", message: "Not a real calendar date" });
      else if (!yearOk(d)) ctx.addIssue({ code: "custom", message: RANGE });
    });
}

/** A Date (or an ISO string / epoch milliseconds, as server actions may receive) within years 1900–2100. */
export function safeDate(message = "Not a valid date") {
  return z
    .union([z.date(), z.string().max(40), z.number()], { message })
    .transform((v, ctx) => {
      const d = v instanceof Date ? v : typeof v === "number" ? new Date(v) : /^\d{4}-\d{2}-\d{2}(T|$)/.test(v) ? new Date(v) : new Date(NaN);
      if (Number.isNaN(d.getTime())) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      if (!yearOk(d)) {
        ctx.addIssue({ code: "custom", message: RANGE });
        return z.NEVER;
      }
      return d;
    });
}

// ---------- numbers ----------

/** Strictly decimal: optional minus, digits, optional fraction. No hex, exponent, spaces, Infinity. */
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A string as a number if it is strictly decimal; otherwise undefined. */
export function parseDecimal(s: string): number | undefined {
  return DECIMAL.test(s) ? Number(s) : undefined;
}

/** Decimal places of a finite number as JSON would write it (Infinity for exponent notation of tiny values). */
function decimalPlaces(n: number): number {
  const s = String(Math.abs(n));
  if (/e-/.test(s)) return Infinity;
  const dot = s.indexOf(".");
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** Largest value of NUMERIC(precision, scale), e.g. 999,999,999,999.99 for (14, 2). */
export const numericMax = (precision: number, scale: number) => Number(`${"9".repeat(precision - scale)}.${"9".repeat(scale)}`);

/**
 * A value for a NUMERIC(precision, scale) column: a JSON number or a strictly
 * decimal string, at most `scale` decimal places, within [min, column max].
 */
export function decimal(precision: number, scale: number, opts: { min?: number; max?: number; label?: string } = {}) {
  const columnMax = numericMax(precision, scale);
  const max = Math.min(opts.max ?? columnMax, columnMax);
  const min = opts.min ?? -columnMax;
  const what = opts.label ?? "an amount";
  return z
    .union([z.number(), z.string().max(64)], { message: `Enter ${what} as a number` })
    .transform((v, ctx) => {
      const n = typeof v === "number" ? v : parseDecimal(v.trim() === v ? v : "x");
      if (n === undefined || !Number.isFinite(n)) {
        ctx.addIssue({ code: "custom", message: `Enter ${what} as a decimal number, e.g. 1250.50` });
        return z.NEVER;
      }
      if (n < min) {
        ctx.addIssue({ code: "custom", message: min === 0 ? "Must be zero or more" : `Must be at least ${min}` });
        return z.NEVER;
      }
      if (n > max) {
        ctx.addIssue({ code: "custom", message: `Must be at most ${max.toLocaleString("en-US", { maximumFractionDigits: scale })}` });
        return z.NEVER;
      }
      if (decimalPlaces(n) > scale) {
        ctx.addIssue({ code: "custom", message: `At most ${scale} decimal places` });
        return z.NEVER;
      }
      return n;
    });
}

/**
 * Form number fields: "" means not filled in (undefined), anything else must be
 * strictly decimal ("0x10", "1e3" and "Infinity" are refused, where
 * z.coerce.number and Number() accept them).
 */
export function strictNumberInput(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "") return undefined;
  return parseDecimal(t) ?? Number.NaN;
}

// ---------- path parameters ----------

/**
 * A path parameter as the router decoded it (once; never decode it again):
 * "bad" when it could not be stored or looked up (control characters, lone
 * surrogates), "too-long" when no stored value can be that long.
 */
export function pathParamProblem(value: string, max: number): "bad" | "too-long" | null {
  if (textProblem(value, { control: true })) return "bad";
  if (value.length > max) return "too-long";
  return null;
}

/** A uuid in its canonical text form: what a `::uuid` cast accepts from our ids (anything else is no such row, not a 500). */
export const isUuid = (s: string): boolean => UUID.test(s);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
