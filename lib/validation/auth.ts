import { z } from "zod";
import { safeEmail } from "./postgres-safe";

export const signInSchema = z.object({
  email: safeEmail({ lower: true, message: "Enter a valid email address" }),
  password: z.string().min(1, "Enter your password").max(200),
});
export type SignInInput = z.infer<typeof signInSchema>;
