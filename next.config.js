// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets parallel e2e runs on one machine keep separate builds.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  reactStrictMode: true,
  poweredByHeader: false,
  // gzip in the app unless HTTP_COMPRESSION=off (read when `next start` starts;
  // checked with the other settings in lib/config/env.ts): behind a reverse
  // proxy that compresses, the app then spends no CPU on it.
  compress: process.env.HTTP_COMPRESSION !== "off",
  // PGlite ships WebAssembly and data files that must be loaded from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg", "pg-boss", "bcryptjs"],
  experimental: {
    // forbidden() renders app/forbidden.tsx with HTTP 403.
    authInterrupts: true,
  },
  // The Content-Security-Policy (with a nonce per request and frame-ancestors
  // from EMBED_ALLOWED_ORIGINS) and HSTS (over https only) are set in proxy.ts;
  // these apply to every response, static files included.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          // Nothing in the app uses these browser features; no page or frame may ask for them.
          {
            key: "Permissions-Policy",
            value: "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), xr-spatial-tracking=()",
          },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
