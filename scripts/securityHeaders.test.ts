/**
 * The security headers in vite.config.ts: what the preview server sends is what
 * the build writes for other hosts (dist/_headers, dist/security-headers.nginx.conf),
 * and it includes the cross-origin and permissions policies. e2e/app.spec.ts checks
 * the real server and the real files; this checks the config without a build.
 */
import { describe, expect, it } from 'vitest';
import config, { hostHeaderFiles, securityHeaders } from '../vite.config';

describe('security headers', () => {
  const preview = config.preview?.headers as Record<string, string>;

  it('the preview server sends the production headers, COOP and a Permissions-Policy among them', () => {
    expect(preview).toEqual(securityHeaders(false));
    expect(preview['Cross-Origin-Opener-Policy']).toBe('same-origin');
    for (const feature of ['camera', 'microphone', 'geolocation', 'usb'])
      expect(preview['Permissions-Policy']).toContain(`${feature}=()`);
    expect(config.server?.headers).toMatchObject({
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Permissions-Policy': preview['Permissions-Policy'],
    });
  });

  it('the files for other hosts carry every header the preview server sends, with the same value', () => {
    const files = hostHeaderFiles();
    for (const [name, value] of Object.entries(preview)) {
      expect(files._headers).toContain(`  ${name}: ${value}\n`);
      expect(files['security-headers.nginx.conf']).toContain(`add_header ${name} "${value}" always;`);
    }
  });
});
