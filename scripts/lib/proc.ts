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
