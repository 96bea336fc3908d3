// Transitional: generation moved to lib/services/generation.ts.
export * from "@/lib/services/generation";
