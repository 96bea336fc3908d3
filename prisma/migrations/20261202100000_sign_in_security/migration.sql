-- Sessions end at once: the session token carries the user's sessionVersion;
-- sign-out, password reset, deactivation and role change bump it.
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- Sign-in throttling counters (rate-limiter-flexible's Prisma store).
CREATE TABLE "SignInLimit" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMP(3),

    CONSTRAINT "SignInLimit_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "SignInLimit_expire_idx" ON "SignInLimit"("expire");
