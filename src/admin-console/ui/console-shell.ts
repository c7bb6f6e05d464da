import type { AdminMode } from '../../config/admin.settings';

/** Where the sign-in form goes and where an identity-domain sign-in starts (session routes). */
const SESSION_PATH = '/admin/session';
const OIDC_LOGIN_PATH = '/admin/oidc/login';

/**
 * The sign-in the shell shows until `GET /admin/session` answers 200, rendered on the server so
 * it works without JavaScript: a form posting the token (token mode), or a link to the identity
 * domain (jwt mode). No value from the request is ever written into the page.
 */
function signIn(mode: AdminMode, failed: boolean): string {
  const why = mode === 'jwt' ? 'Try again.' : 'Check the token and try again.';
  const error = failed ? `<p class="error" role="alert">That did not sign you in. ${why}</p>` : '';
  if (mode === 'jwt') {
    return `${error}
      <p>Admins sign in with the organization's identity domain.</p>
      <p><a class="button primary" href="${OIDC_LOGIN_PATH}">Sign in with the identity domain</a></p>`;
  }
  return `${error}
      <form method="post" action="${SESSION_PATH}" class="stack" id="sign-in-form">
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required>
        <button type="submit" class="primary">Sign in</button>
      </form>`;
}

/** The one page of the console: pages are drawn by the browser modules (hash routes). */
export function renderShell(template: string, mode: AdminMode, failed: boolean): string {
  return template.replace('<!--sign-in-->', signIn(mode, failed));
}
