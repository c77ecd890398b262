/**
 * The page's security response headers, in one place for every server that sends
 * the app: the Vite dev and preview servers (vite.config.ts), the files the build
 * writes for other hosts, and the CipherScan server (src/apps/server), which serves
 * the built app and its API. One definition, so the server can never drift from
 * what the preview server (and the e2e tests) check.
 *
 * The Content Security Policy goes out two ways: as an HTTP header on every
 * response (the only way it reaches the workers, which parse untrusted files and
 * hold keys: a worker takes its policy from its own script's response, not from
 * the page's <meta>; and frame-ancestors only works as a header), and as a <meta>
 * in index.html for hosts that serve the built files without headers.
 */

/**
 * The policy itself. The dev server's React refresh preamble is an inline script,
 * so only the dev policy allows 'unsafe-inline' scripts.
 */
export function contentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    "img-src 'self' blob: data:",
    "style-src 'self' 'unsafe-inline'",
    `script-src 'self'${dev ? " 'unsafe-inline'" : ''} 'wasm-unsafe-eval'`,
    "worker-src 'self'",
    "connect-src 'self' blob: data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Powerful features the app never uses, switched off for the page and anything it
 * embeds: a script that got in could not reach a camera, a microphone, the
 * location or a device port. Only names Chromium knows (others log a warning).
 * Passkeys (publickey-credentials-get/create) stay at their default, this origin
 * only: the page signs in to the CipherScan server with them (issue 16).
 */
const PERMISSIONS_POLICY = [
  'camera',
  'microphone',
  'geolocation',
  'display-capture',
  'payment',
  'usb',
  'serial',
  'hid',
  'bluetooth',
  'midi',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/**
 * Every response header that protects the page. COOP same-origin: a page that
 * opens this one, or that it opens, gets no handle on its window (the tab holds
 * keys and plain pixels).
 */
export const securityHeaders = (dev: boolean): Record<string, string> => ({
  'Content-Security-Policy': `${contentSecurityPolicy(dev)}; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': PERMISSIONS_POLICY,
});
