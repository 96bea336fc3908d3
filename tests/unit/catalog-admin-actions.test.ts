import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/data/users";

// Every admin server action, called by a rep and by a manager, is refused
// before any data function runs; an admin gets through to it.
const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/guard", () => ({ getSessionUser: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

const calls: string[] = [];
const spy =
  (name: string, result: unknown = {}) =>
  async () => {
    calls.push(name);
    return result;
  };
vi.mock("@/lib/services/catalog", () => ({
  createActionType: spy("createActionType", { id: "x", key: "k", version: 1 }),
  updateActionType: spy("updateActionType", { id: "x", version: 2, changed: true }),
  setActionTypeActive: spy("setActionTypeActive", { active: false, expired: 0 }),
}));
vi.mock("@/lib/services/preview", () => ({ previewActionType: spy("previewActionType") }));
// Jobs run their work at once here, so a call that gets through shows up in `calls`.
vi.mock("@/lib/services/jobs", () => ({
  startJob: (_kind: string, _owner: string, work: (ctx: unknown) => Promise<unknown>) => {
    void work({ signal: new AbortController().signal, progress() {} });
    return { id: "job", state: "running" };
  },
  getJob: spy("getJob", { id: "job", state: "done" }),
  cancelJob: spy("cancelJob"),
}));
vi.mock("@/lib/services/generation", () => ({ generateRecommendations: spy("generateRecommendations") }));
vi.mock("@/lib/services/users", () => ({
  createUser: spy("createUser", { id: "x" }),
  updateUser: spy("updateUser"),
  setUserActive: spy("setUserActive"),
  resetPassword: spy("resetPassword"),
  createTeam: spy("createTeam", { id: "x" }),
  updateTeam: spy("updateTeam"),
  reassignCustomers: spy("reassignCustomers", { customers: 0, recommendations: 0 }),
}));
vi.mock("@/lib/services/api-keys", () => ({
  issueApiKey: spy("issueApiKey", { id: "x", key: "nk_x" }),
  revokeApiKey: spy("revokeApiKey", { revokedAt: new Date() }),
}));

vi.mock("@/lib/services/program", () => ({
  updateProgramSettings: spy("updateProgramSettings", { globalHoldoutPct: 5, holdoutRedraw: "QUARTER" }),
  updateLearningSettings: spy("updateLearningSettings", { learningHalfLifeDays: 30, explorationSharePct: 20 }),
  updateDriftThresholds: spy("updateDriftThresholds", { driftAcceptanceShiftPct: 10, driftZScore: 4, driftPsi: 0.2 }),
}));

vi.mock("@/lib/services/model-lifecycle", () => ({ rollbackToVersion: spy("rollbackToVersion", { active: "v1", previous: "v2" }) }));

vi.mock("@/lib/services/embed-origins", () => ({
  addEmbedOrigin: spy("addEmbedOrigin", { origin: "https://crm.example.com" }),
  removeEmbedOrigin: spy("removeEmbedOrigin", { origin: "https://crm.example.com" }),
}));

const catalog = await import("@/lib/actions/catalog");
const model = await import("@/lib/actions/model");
const origins = await import("@/lib/actions/embed-origins");
const program = await import("@/lib/actions/program");
const users = await import("@/lib/actions/users");
const keys = await import("@/lib/actions/api-keys");

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const fields = {
  name: "Lunch",
  category: "RELATIONSHIP",
  description: "",
  messageTemplate: "Lunch with {{firstName}}",
  businessValue: "100",
  lever: "1",
  cooldownDays: "7",
  expiresAfterDays: "7",
  controlGroupPct: "10",
  exploration: false,
  rule: { signal: "tenureDays", op: "gte", value: 0 },
};

// [action, valid input, the data function it runs]
const ACTIONS: [string, (input: never) => Promise<{ ok: boolean; error?: { code: string } }>, unknown, string][] = [
  ["createActionTypeAction", catalog.createActionTypeAction, { ...fields, key: "lunch_invite" }, "createActionType"],
  ["updateActionTypeAction", catalog.updateActionTypeAction, { ...fields, id: U1, expectedVersion: 1 }, "updateActionType"],
  ["setActionTypeActiveAction", catalog.setActionTypeActiveAction, { id: U1, active: false }, "setActionTypeActive"],
  ["previewActionTypeAction", catalog.previewActionTypeAction, fields, "previewActionType"],
  ["runGenerationAction", catalog.runGenerationAction, {}, "generateRecommendations"],
  ["jobStatusAction", catalog.jobStatusAction, { id: U1 }, "getJob"],
  ["cancelJobAction", catalog.cancelJobAction, { id: U1 }, "cancelJob"],
  ["createUserAction", users.createUserAction, { email: "n@x.test", name: "N", role: "REP", teamId: "", password: "long enough pw" }, "createUser"],
  ["updateUserAction", users.updateUserAction, { id: U1, name: "N", role: "MANAGER", teamId: U2 }, "updateUser"],
  ["setUserActiveAction", users.setUserActiveAction, { id: U1, active: false }, "setUserActive"],
  ["resetPasswordAction", users.resetPasswordAction, { id: U1, password: "long enough pw" }, "resetPassword"],
  ["createTeamAction", users.createTeamAction, { name: "East", managerId: U2 }, "createTeam"],
  ["updateTeamAction", users.updateTeamAction, { id: U1, name: "East", managerId: "" }, "updateTeam"],
  ["reassignCustomersAction", users.reassignCustomersAction, { fromRepId: U1, toRepId: U2 }, "reassignCustomers"],
  ["createApiKeyAction", keys.createApiKeyAction, { name: "Shop", scopes: ["events:write"] }, "issueApiKey"],
  ["revokeApiKeyAction", keys.revokeApiKeyAction, { id: U1 }, "revokeApiKey"],
  ["updateProgramSettingsAction", program.updateProgramSettingsAction, { globalHoldoutPct: 5, holdoutRedraw: "QUARTER" }, "updateProgramSettings"],
  ["updateLearningSettingsAction", program.updateLearningSettingsAction, { learningHalfLifeDays: 30, explorationSharePct: 20 }, "updateLearningSettings"],
  ["updateDriftThresholdsAction", program.updateDriftThresholdsAction, { driftAcceptanceShiftPct: 10, driftZScore: 4, driftPsi: 0.2 }, "updateDriftThresholds"],
  ["rollbackModelAction", model.rollbackModelAction, { versionId: U1 }, "rollbackToVersion"],
  ["addEmbedOriginAction", origins.addEmbedOriginAction, { origin: "https://crm.example.com" }, "addEmbedOrigin"],
  ["removeEmbedOriginAction", origins.removeEmbedOriginAction, { origin: "https://crm.example.com" }, "removeEmbedOrigin"],
];

const base: SessionUser = { id: U2, email: "u@x.test", name: "U", role: "REP", teamId: null };

describe("admin server actions", () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it("covers every exported action", () => {
    const exported = [...Object.keys(catalog), ...Object.keys(users), ...Object.keys(keys), ...Object.keys(program), ...Object.keys(model), ...Object.keys(origins)].sort();
    expect(ACTIONS.map(([name]) => name).sort()).toEqual(exported);
  });

  for (const role of ["REP", "MANAGER"] as const) {
    for (const [name, action, input] of ACTIONS) {
      it(`refuses a ${role.toLowerCase()} calling ${name}, running nothing`, async () => {
        session.user = { ...base, role };
        const res = await action(input as never);
        expect(res).toEqual({ ok: false, error: { code: "FORBIDDEN", message: expect.any(String) } });
        expect(calls).toEqual([]);
      });
    }
  }

  for (const [name, action, input, fn] of ACTIONS) {
    it(`lets an admin call ${name} (valid input reaches ${fn})`, async () => {
      session.user = { ...base, role: "ADMIN" };
      const res = await action(input as never);
      expect(res.ok, JSON.stringify(res)).toBe(true);
      expect(calls).toEqual([fn]);
    });
  }

  it("refuses a holdout share that is not a sensible percentage, naming the field", async () => {
    session.user = { ...base, role: "ADMIN" };
    for (const globalHoldoutPct of [-1, 51, 2.55, Number.NaN, "abc"]) {
      const res = await program.updateProgramSettingsAction({ globalHoldoutPct, holdoutRedraw: "QUARTER" } as never);
      expect(res).toMatchObject({ ok: false, error: { code: "INVALID", fieldErrors: { globalHoldoutPct: [expect.any(String)] } } });
    }
    expect(await program.updateProgramSettingsAction({ globalHoldoutPct: 5, holdoutRedraw: "WEEK" } as never)).toMatchObject({ ok: false, error: { fieldErrors: { holdoutRedraw: ["Choose how often to re-draw"] } } });
    expect(calls).toEqual([]);
  });

  it("refuses a half-life or exploration cap out of range, naming the field", async () => {
    session.user = { ...base, role: "ADMIN" };
    for (const learningHalfLifeDays of [0, 3651, 2.5, Number.NaN, "abc"]) {
      const res = await program.updateLearningSettingsAction({ learningHalfLifeDays, explorationSharePct: 20 } as never);
      expect(res).toMatchObject({ ok: false, error: { code: "INVALID", fieldErrors: { learningHalfLifeDays: [expect.any(String)] } } });
    }
    for (const explorationSharePct of [-1, 51, 2.55, "x"]) {
      const res = await program.updateLearningSettingsAction({ learningHalfLifeDays: 30, explorationSharePct } as never);
      expect(res).toMatchObject({ ok: false, error: { code: "INVALID", fieldErrors: { explorationSharePct: [expect.any(String)] } } });
    }
    expect(calls).toEqual([]);
  });

  it("refuses an embed origin that is not https (or http://localhost), or is more than an origin, naming the field", async () => {
    session.user = { ...base, role: "ADMIN" };
    for (const origin of ["http://crm.example.com", "crm.example.com", "https://crm.example.com/path", "https://*.example.com", "https://a.example.com https://b.example.com", "https://a.example.com; script-src *", "javascript:alert(1)", "", "https://user:pw@crm.example.com"]) {
      const res = await origins.addEmbedOriginAction({ origin });
      expect(res, origin).toMatchObject({ ok: false, error: { code: "INVALID", fieldErrors: { origin: [expect.any(String)] } } });
    }
    expect(calls).toEqual([]);
  });

  it("refuses a signed-out caller", async () => {
    session.user = null;
    expect(await catalog.runGenerationAction({})).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    expect(calls).toEqual([]);
  });
});

describe("rolling back the model", () => {
  it("refuses an id that is not a version id, before the service runs", async () => {
    calls.length = 0;
    session.user = { ...base, role: "ADMIN" };
    const res = await model.rollbackModelAction({ versionId: "v1" });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe("INVALID");
    expect(calls).toEqual([]);
  });
});

describe("drift thresholds", () => {
  it("refuses thresholds outside their bounds, naming the field, before the service runs", async () => {
    calls.length = 0;
    session.user = { ...base, role: "ADMIN" };
    const cases: [Record<string, unknown>, string][] = [
      [{ driftAcceptanceShiftPct: 0, driftZScore: 4, driftPsi: 0.2 }, "driftAcceptanceShiftPct"],
      [{ driftAcceptanceShiftPct: 10, driftZScore: 1, driftPsi: 0.2 }, "driftZScore"],
      [{ driftAcceptanceShiftPct: 10, driftZScore: 4, driftPsi: "x" }, "driftPsi"],
    ];
    for (const [input, field] of cases) {
      const res = await program.updateDriftThresholdsAction(input as never);
      expect(res.ok).toBe(false);
      if (!res.ok) expect(Object.keys(res.error.fieldErrors ?? {})).toEqual([field]);
    }
    expect(calls).toEqual([]);
  });
});
