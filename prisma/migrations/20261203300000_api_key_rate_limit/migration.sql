-- Each API key has its own request budget per minute (lib/auth/api-rate-limit.ts).
ALTER TABLE "ApiKey" ADD COLUMN "rateLimitPerMinute" INTEGER NOT NULL DEFAULT 600;
