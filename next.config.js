// @ts-check
const frameAncestors = (process.env.EMBED_ALLOWED_ORIGINS ?? "").split(/[\s,]+/).filter(Boolean).join(" ");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets parallel e2e runs on one machine keep separate builds.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // PGlite ships WebAssembly and data files that must be loaded from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "bcryptjs"],
  experimental: {
    // forbidden() renders app/forbidden.tsx with HTTP 403.
    authInterrupts: true,
  },
  async headers() {
    return [
      {
        // Only the embed panel may be framed, and only by configured CRM origins.
        source: "/embed/:path*",
        headers: [{ key: "Content-Security-Policy", value: `frame-ancestors ${frameAncestors || "'none'"}` }],
      },
      {
        source: "/((?!embed/).*)",
        headers: [
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
