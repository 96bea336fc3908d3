"use server";
import { revalidatePath } from "next/cache";
import { authedAction } from "@/lib/auth/action";
import { createTeam, createUser, reassignCustomers, resetPassword, setUserActive, updateTeam, updateUser } from "@/lib/services/users";
import {
  createTeamSchema,
  createUserSchema,
  reassignCustomersSchema,
  resetPasswordSchema,
  setUserActiveSchema,
  updateTeamSchema,
  updateUserSchema,
} from "@/lib/validation/admin";

function refresh(userId?: string) {
  revalidatePath("/admin/users");
  if (userId) revalidatePath(`/admin/users/${userId}`);
}

export const createUserAction = authedAction("users.manage", createUserSchema, async (user, input) => {
  const res = await createUser(user.id, input);
  refresh();
  return res;
});

export const updateUserAction = authedAction("users.manage", updateUserSchema, async (user, input) => {
  await updateUser(user.id, input);
  refresh(input.id);
  return { id: input.id };
});

/** Deactivated users are refused on their next request (the guard re-reads them). */
export const setUserActiveAction = authedAction("users.manage", setUserActiveSchema, async (user, input) => {
  await setUserActive(user.id, input.id, input.active);
  refresh(input.id);
  return { id: input.id, active: input.active };
});

export const resetPasswordAction = authedAction("users.manage", resetPasswordSchema, async (user, input) => {
  await resetPassword(user.id, input.id, input.password);
  refresh(input.id);
  return { id: input.id };
});

export const createTeamAction = authedAction("users.manage", createTeamSchema, async (user, input) => {
  const res = await createTeam(user.id, input);
  refresh();
  return res;
});

export const updateTeamAction = authedAction("users.manage", updateTeamSchema, async (user, input) => {
  await updateTeam(user.id, input);
  refresh();
  return { id: input.id };
});

/** Moves customers (and their open recommendations) from one rep to another. */
export const reassignCustomersAction = authedAction("users.manage", reassignCustomersSchema, async (user, input) => {
  const res = await reassignCustomers(user.id, input);
  refresh(input.fromRepId);
  revalidatePath(`/admin/users/${input.toRepId}`);
  return res;
});
