// Schemas for the admin's user, team and API-key forms, shared by the client
// forms and the server actions.
import { z } from "zod";
import { API_SCOPES } from "./api";
import { safeEmail, safeText } from "./postgres-safe";

export const ROLES = ["REP", "MANAGER", "ADMIN"] as const;
export const ROLE_LABELS: Record<(typeof ROLES)[number], string> = { REP: "Sales rep", MANAGER: "Manager", ADMIN: "Admin" };

const id = (what: string) => z.string().uuid(`Unknown ${what}`);
/** A select's "no team" option arrives as "". */
const optionalId = (what: string) => z.preprocess((v) => (v === "" ? null : v), id(what).nullable());

export const passwordSchema = z.string().min(10, "Use at least 10 characters").max(200, "Use at most 200 characters");

export const createUserSchema = z.object({
  email: safeEmail({ lower: true }),
  name: safeText(120, { min: 1, tooShort: "Enter a name" }),
  role: z.enum(ROLES, { message: "Choose a role" }),
  teamId: optionalId("team"),
  password: passwordSchema,
});

export const updateUserSchema = z.object({
  id: id("user"),
  name: safeText(120, { min: 1, tooShort: "Enter a name" }),
  role: z.enum(ROLES, { message: "Choose a role" }),
  teamId: optionalId("team"),
});

export const setUserActiveSchema = z.object({ id: id("user"), active: z.boolean() });
export const resetPasswordSchema = z.object({ id: id("user"), password: passwordSchema });

export const createTeamSchema = z.object({
  name: safeText(80, { min: 1, tooShort: "Enter a team name" }),
  managerId: optionalId("manager"),
});
export const updateTeamSchema = createTeamSchema.extend({ id: id("team") });

export const reassignCustomersSchema = z
  .object({
    fromRepId: id("rep"),
    toRepId: id("rep"),
    /** Only these customers of fromRep; absent or empty means all of them. */
    customerIds: z.array(id("customer")).max(10_000).optional(),
  })
  .refine((v) => v.fromRepId !== v.toRepId, { message: "Choose a different rep to move the customers to", path: ["toRepId"] });

export const createApiKeySchema = z.object({
  name: safeText(80, { min: 1, tooShort: "Name the key after the system that will use it" }),
  scopes: z.array(z.enum(API_SCOPES)).min(1, "Choose at least one scope"),
});
export const revokeApiKeySchema = z.object({ id: id("API key") });

export type CreateUserInput = z.output<typeof createUserSchema>;
export type UpdateUserInput = z.output<typeof updateUserSchema>;
export type CreateTeamInput = z.output<typeof createTeamSchema>;
export type UpdateTeamInput = z.output<typeof updateTeamSchema>;
export type ReassignCustomersInput = z.output<typeof reassignCustomersSchema>;
export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;
