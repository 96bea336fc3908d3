// The layering, checked on the source: the engine and the domain are pure,
// components never reach into the route tree, status lists live only in the
// vocabulary, and the README's architecture map matches the tree.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const SKIP = new Set(["node_modules", ".git", "generated"]);

function files(dir: string, exts = [".ts", ".tsx"]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (SKIP.has(name) || name.startsWith(".next")) continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (exts.some((e) => name.endsWith(e))) out.push(p);
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}
const rel = (p: string) => path.relative(ROOT, p);
const imports = (src: string) => [...src.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);

describe("architecture", () => {
  it("the engine and the domain import no database, SQL or framework code", () => {
    const offending: string[] = [];
    for (const f of [...files("lib/engine"), ...files("lib/domain")]) {
      const src = readFileSync(f, "utf8");
      for (const spec of imports(src)) {
        if (/^(next|next\/.*|react|pg|@prisma\/.*|server-only)$/.test(spec) || /^@\/(lib\/(data|generated|services|auth|actions)|app|tooling)/.test(spec)) offending.push(`${rel(f)} imports ${spec}`);
      }
      if (/\$queryRaw|\$executeRaw|Prisma\.sql|\bSELECT\s+\S+\s+FROM\b/i.test(src)) offending.push(`${rel(f)} contains SQL`);
    }
    expect(offending).toEqual([]);
  });

  it("no component imports from app/", () => {
    const offending = files("components").filter((f) => imports(readFileSync(f, "utf8")).some((s) => s.startsWith("@/app")));
    expect(offending.map(rel)).toEqual([]);
  });

  it("no list of status literals outside the vocabulary (SQL included)", () => {
    const STATUS = "PENDING|ACCEPTED|DISMISSED|SNOOZED|DONE|EXPIRED";
    const list = new RegExp(`(?<![\\w$])[\\[(]\\s*(["'])(?:${STATUS})\\1\\s*,\\s*(["'])(?:${STATUS})\\2`);
    const offending: string[] = [];
    for (const dir of ["lib", "app", "components", "scripts", "tooling"]) {
      for (const f of files(dir)) {
        if (rel(f) === path.join("lib", "domain", "vocabulary.ts")) continue;
        readFileSync(f, "utf8")
          .split("\n")
          .forEach((line, i) => {
            if (list.test(line)) offending.push(`${rel(f)}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offending).toEqual([]);
  });

  it("the README's architecture map names every folder of the tree, and only those", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Architecture"));
    const block = section.slice(section.indexOf("```") + 3, section.indexOf("```", section.indexOf("```") + 3));
    const mapped = block
      .split("\n")
      .map((l) => l.match(/^(\S+\/)\s/)?.[1])
      .filter((p): p is string => Boolean(p))
      .map((p) => p.replace(/\/$/, ""));
    for (const p of mapped) expect(statSync(path.join(ROOT, p), { throwIfNoEntry: false })?.isDirectory(), `${p} is in the map but not in the tree`).toBe(true);
    const ignored = new Set(["node_modules", "test-results", "playwright-report", "blob-report", "coverage"]);
    const dirs = (d: string) =>
      readdirSync(path.join(ROOT, d), { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith(".") && !ignored.has(e.name))
        .map((e) => (d === "." ? e.name : `${d}/${e.name}`));
    const expected = [...dirs(".").filter((d) => d !== "lib" && d !== "tooling"), ...dirs("lib"), ...dirs("tooling")];
    const missing = expected.filter((d) => !mapped.includes(d));
    expect(missing, "folders missing from the README's architecture map").toEqual([]);
  });
});
