// The model page's rollback form, shared by the client button and the server action.
import { z } from "zod";

export const rollbackModelSchema = z.object({ versionId: z.guid({ message: "Not a valid model version id" }) });
export type RollbackModelInput = z.infer<typeof rollbackModelSchema>;
