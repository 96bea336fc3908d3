-- CRM origins allowed to frame the embed panel (CSP frame-ancestors of /embed/*),
-- kept by admins on /admin/api-keys (lib/services/embed-origins.ts). The origin is
-- stored normalised (scheme://host[:port], lower case, no path), so it is the key.

-- CreateTable
CREATE TABLE "EmbedOrigin" (
    "origin" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmbedOrigin_pkey" PRIMARY KEY ("origin")
);

-- AddForeignKey
ALTER TABLE "EmbedOrigin" ADD CONSTRAINT "EmbedOrigin_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
