"use server";
import { z } from "zod";
import { authedAction } from "@/lib/auth/action";
import { cancelJob } from "@/lib/services/jobs";
import { customerImportJob } from "@/lib/services/customer-import";

// The admin import page starts an import by uploading the file to
// /api/admin/customer-import (a body larger than a server action takes), then
// follows it here.

const jobIdSchema = z.object({ id: z.string().uuid("Unknown import") });

/** Progress and, when finished, the summary and bad rows of one of the caller's imports. */
export const importStatusAction = authedAction("customers.import", jobIdSchema, async (user, { id }) => customerImportJob(id, user.id));

/** Stops one of the caller's imports between slices (the slices written so far stay written). */
export const cancelImportAction = authedAction("customers.import", jobIdSchema, async (user, { id }) => {
  customerImportJob(id, user.id);
  cancelJob(id, user.id);
  return { id };
});
