import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/config/env";

describe("environment (lib/config/env.ts)", () => {
  it("defaults STATS_MAX_AGE_SECONDS to 300 when unset or empty", () => {
    expect(parseEnv({}).STATS_MAX_AGE_SECONDS).toBe(300);
    expect(parseEnv({ STATS_MAX_AGE_SECONDS: "" }).STATS_MAX_AGE_SECONDS).toBe(300);
  });

  it("parses a whole number of seconds, 0 included", () => {
    expect(parseEnv({ STATS_MAX_AGE_SECONDS: "0" }).STATS_MAX_AGE_SECONDS).toBe(0);
    expect(parseEnv({ STATS_MAX_AGE_SECONDS: "60" }).STATS_MAX_AGE_SECONDS).toBe(60);
  });

  it.each(["five", "-1", "1.5", "300s", "1e3"])("rejects STATS_MAX_AGE_SECONDS=%s with a message naming it", (value) => {
    expect(() => parseEnv({ STATS_MAX_AGE_SECONDS: value })).toThrow(/STATS_MAX_AGE_SECONDS: must be a whole number of seconds/);
  });

  it("names every malformed variable", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x", STATS_MAX_AGE_SECONDS: "x" })).toThrow(
      /Invalid environment configuration:\n {2}DATABASE_URL: .*\n {2}STATS_MAX_AGE_SECONDS: /,
    );
  });

  it("takes a read replica's URL only beside DATABASE_URL, and only a postgresql:// one", () => {
    expect(parseEnv({}).DATABASE_READ_URL).toBeUndefined();
    expect(parseEnv({ DATABASE_READ_URL: "" }).DATABASE_READ_URL).toBeUndefined();
    expect(parseEnv({ DATABASE_URL: "postgresql://x@primary/db", DATABASE_READ_URL: "postgresql://x@replica/db" }).DATABASE_READ_URL).toBe("postgresql://x@replica/db");
    expect(() => parseEnv({ DATABASE_READ_URL: "postgresql://x@replica/db" })).toThrow(/DATABASE_READ_URL: is a replica of DATABASE_URL/);
    expect(() => parseEnv({ DATABASE_URL: "postgresql://x@primary/db", DATABASE_READ_URL: "mysql://x@replica/db" })).toThrow(/DATABASE_READ_URL: must be a postgresql:\/\/ connection URL/);
  });

  it("gzips responses unless HTTP_COMPRESSION=off; another value names itself", () => {
    expect(parseEnv({}).HTTP_COMPRESSION).toBe("on");
    expect(parseEnv({ HTTP_COMPRESSION: "" }).HTTP_COMPRESSION).toBe("on");
    expect(parseEnv({ HTTP_COMPRESSION: "off" }).HTTP_COMPRESSION).toBe("off");
    expect(() => parseEnv({ HTTP_COMPRESSION: "gzip" })).toThrow(/HTTP_COMPRESSION: must be on or off/);
  });

  it("computes dashboard views in the app unless DASHBOARD_BACKGROUND=workers, which needs a Postgres server", () => {
    expect(parseEnv({}).DASHBOARD_BACKGROUND).toBe("app");
    expect(parseEnv({ DASHBOARD_BACKGROUND: "" }).DASHBOARD_BACKGROUND).toBe("app");
    expect(parseEnv({ DASHBOARD_BACKGROUND: "workers", DATABASE_URL: "postgresql://x@localhost/db" }).DASHBOARD_BACKGROUND).toBe("workers");
    expect(() => parseEnv({ DASHBOARD_BACKGROUND: "workers" })).toThrow(/DASHBOARD_BACKGROUND: workers needs a Postgres server \(set DATABASE_URL\)/);
    expect(() => parseEnv({ DASHBOARD_BACKGROUND: "worker", DATABASE_URL: "postgresql://x@localhost/db" })).toThrow(/DASHBOARD_BACKGROUND: must be app or workers/);
  });
});
