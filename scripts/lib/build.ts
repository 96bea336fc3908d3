import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { NEXT, ROOT, run } from "./proc";

// A fingerprint of the source tree (commit + uncommitted changes), so a
// production build is reused only while the code it was built from is unchanged.
function sourceFingerprint(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT }).toString();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: ROOT }).toString();
    const diff = execFileSync("git", ["diff", "HEAD"], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).toString();
    return createHash("sha256").update(head).update(dirty).update(diff).digest("hex");
  } catch {
    return null;
  }
}

/** Runs `next build` unless .next already holds a build of exactly this source. */
export async function ensureBuild(env: NodeJS.ProcessEnv): Promise<void> {
  const dist = path.join(ROOT, env.NEXT_DIST_DIR || ".next");
  const stamp = path.join(dist, "nudge-source");
  const fp = sourceFingerprint();
  const built = existsSync(path.join(dist, "BUILD_ID")) && existsSync(stamp) && fp !== null && readFileSync(stamp, "utf8") === fp;
  if (built && !process.env.NUDGE_REBUILD) {
    console.log("Production build is up to date.");
    return;
  }
  console.log("Building the app (next build)…");
  await run(NEXT, ["build"], { env });
  if (fp) writeFileSync(stamp, fp);
}
