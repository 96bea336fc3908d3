// Security headers' values, pure (no env, no imports), so proxy.ts and tests
// share them. proxy.ts sets the per-request ones (CSP with a fresh nonce,
// HSTS over https); next.config.js sets the static ones on every response.

/**
 * The Content-Security-Policy of one response. Scripts run only with this
 * request's nonce; Next reads the nonce from the request's CSP header and puts
 * it on its own scripts (which is why every page renders per request: the root
 * layout calls connection()), and 'strict-dynamic' lets those load the chunks
 * they import.
 *
 * Styles: Tailwind's stylesheet is a same-origin file and any <style> element
 * Next emits carries the nonce, but React server-renders `style` attributes
 * (Recharts sizes its SVG and tooltips with them, the queue's progress bars
 * set widths), and a CSP blocks those in the HTML unless they are allowed
 * inline. So `style-src-attr 'unsafe-inline'` allows style attributes only;
 * <style> elements still need the nonce. A style attribute cannot run script.
 */
export function contentSecurityPolicy(nonce: string, opts: { frameAncestors: string; dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    // 'unsafe-eval' only in development: React's dev build rebuilds stack traces with eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // Development: the hot-reload socket.
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${opts.frameAncestors}`,
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}
