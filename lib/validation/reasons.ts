import { z } from "zod";

export const reasonSchema = z.object({ code: z.string(), text: z.string() });
export const reasonsSchema = z.array(reasonSchema);
export type Reason = z.infer<typeof reasonSchema>;
