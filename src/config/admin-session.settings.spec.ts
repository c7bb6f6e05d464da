import { ConfigError } from '../common/problem/config-error';
import { loadGatewayConfig, type Environment } from './load-config';
import { readCookie } from '../admin/session/session-cookie';
import { nextPath } from '../admin-console/session/sign-in-body';

function problems(env: Environment): string[] {
  try {
    loadGatewayConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

const JWT = {
  ADMIN_MODE: 'jwt',
  ADMIN_JWT_JWKS_URL: 'https://idcs-x.identity.oraclecloud.com/admin/v1/SigningCert/jwk',
  ADMIN_JWT_ISSUER: 'https://identity.oraclecloud.com/',
  ADMIN_JWT_AUDIENCE: 'https://gateway.example.com/admin',
};
const OIDC = {
  ADMIN_OIDC_ISSUER: 'https://idcs-x.identity.oraclecloud.com',
  ADMIN_OIDC_CLIENT_ID: 'console',
  ADMIN_OIDC_REDIRECT_URL: 'https://gateway.example.com/admin/oidc/callback',
  ADMIN_SESSION_SECRET: 'env:SESSION_SECRET',
};

describe('admin console settings', () => {
  it('leaves OIDC unrequired in jwt mode until one of its settings is given', () => {
    expect(problems(JWT)).toEqual([]);
    expect(problems({ ...JWT, ADMIN_OIDC_SCOPES: 'openid profile' })).toEqual([]);
    expect(loadGatewayConfig({ ...JWT, ...OIDC }).admin.oidc.scopes).toEqual(['openid']);
  });

  it('requires issuer, client id, redirect URL and session secret once one is given', () => {
    const required = 'is required when admin.mode is jwt and admin.oidc is configured';
    expect(problems({ ...JWT, ADMIN_OIDC_CLIENT_SECRET: 'env:CLIENT_SECRET' })).toEqual([
      `admin.oidc.issuer (ADMIN_OIDC_ISSUER): ${required}`,
      `admin.oidc.clientId (ADMIN_OIDC_CLIENT_ID): ${required}`,
      `admin.oidc.redirectUrl (ADMIN_OIDC_REDIRECT_URL): ${required}`,
      `admin.sessionSecret (ADMIN_SESSION_SECRET): ${required}`,
    ]);
  });

  it('ignores the OIDC settings outside jwt mode', () => {
    expect(problems({ ADMIN_MODE: 'token', ADMIN_TOKEN: 't', ADMIN_OIDC_ISSUER: 'x' })).toEqual([]);
  });

  it('reads scopes as a space or comma list that must hold openid', () => {
    const config = loadGatewayConfig({
      ...JWT,
      ...OIDC,
      ADMIN_OIDC_SCOPES: 'openid profile,email',
    });
    expect(config.admin.oidc.scopes).toEqual(['openid', 'profile', 'email']);
    expect(problems({ ...JWT, ...OIDC, ADMIN_OIDC_SCOPES: 'profile' })).toEqual([
      'admin.oidc.scopes (ADMIN_OIDC_SCOPES): must include openid',
    ]);
  });

  it('bounds the session lifetime: 900 s by default, 60 s to 8 h', () => {
    expect(loadGatewayConfig({}).admin.sessionTtlSeconds).toBe(900);
    expect(problems({ ADMIN_SESSION_TTL_SECONDS: '59' })).toHaveLength(1);
    expect(problems({ ADMIN_SESSION_TTL_SECONDS: '28800' })).toEqual([]);
  });
});

describe('sign-in redirect target', () => {
  it.each([
    [undefined, '/admin/'],
    ['/admin/messages?state=dead', '/admin/messages?state=dead'],
    ['/admin', '/admin'],
    ['/admin/../vendors/twilio/webhook', '/admin/'],
    ['/admin/%2e%2e/metrics', '/admin/'],
    ['//evil.example/admin', '/admin/'],
    ['/\\evil.example', '/admin/'],
    ['https://evil.example/admin', '/admin/'],
    ['/administrator', '/admin/'],
  ])('%s goes to %s', (next, path) => {
    expect(nextPath(next)).toBe(path);
  });
});

describe('session cookie reading', () => {
  it('reads one cookie by exact name and trusts no duplicate', () => {
    expect(readCookie('a=1; gw_admin_session=abc.def; b=2', 'gw_admin_session')).toBe('abc.def');
    expect(readCookie('xgw_admin_session=abc', 'gw_admin_session')).toBeUndefined();
    expect(
      readCookie('gw_admin_session=a; gw_admin_session=b', 'gw_admin_session'),
    ).toBeUndefined();
    expect(readCookie('gw_admin_session=', 'gw_admin_session')).toBeUndefined();
    expect(readCookie(undefined, 'gw_admin_session')).toBeUndefined();
  });
});
