// Small helpers for the project's scripts: run a command, stream its output.
import { spawn, type SpawnOptions } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const TSX = [path.join(ROOT, "node_modules", ".bin", "tsx"), "--conditions=react-server"];
export const NEXT = path.join(ROOT, "node_modules", ".bin", "next");

/** Runs a command to completion; rejects with its exit code when it fails. */
export function run(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "inherit", cwd: ROOT, ...opts });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(cmd)} ${args.join(" ")} exited with ${signal ?? code}`));
    });
  });
}

export function tsx(script: string, opts: SpawnOptions = {}) {
  const [bin, ...flags] = TSX;
  return run(bin!, [...flags, path.join(ROOT, script)], opts);
}

// For `next start`: idle keep-alive connections stay open 65 s, longer than a load balancer's or a client's own idle limit (60 s is the
// usual one), so the server never closes a connection just as the other side sends on it: a request then fails with
// ECONNRESET (Node's default is 5 s; an end-to-end test that waited about that long between two requests hit it).
export const NEXT_KEEP_ALIVE_MS = "65000";
