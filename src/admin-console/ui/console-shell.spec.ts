import { loadShellTemplate } from './console-assets';
import { renderShell } from './console-shell';

describe('console shell', () => {
  const template = loadShellTemplate();

  it('signs in with a form posting the token in token mode, with no inline script or style', () => {
    const html = renderShell(template, 'token', false);
    expect(html).toContain('<form method="post" action="/admin/session"');
    expect(html).toContain('name="token" type="password"');
    expect(html).not.toContain('/admin/oidc/login');
    expect(html).not.toContain('role="alert"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)|\sstyle=|<style|\son[a-z]+=/i);
  });

  it('links to the identity domain in jwt mode, and says when a sign-in failed', () => {
    const html = renderShell(template, 'jwt', true);
    expect(html).toContain('href="/admin/oidc/login"');
    expect(html).toContain('Sign in with the identity domain');
    expect(html).not.toContain('name="token"');
    expect(html).toContain('role="alert"');
  });
});
