import { ConfigError } from '../common/problem/config-error';
import { loadGatewayConfig, type Environment } from './load-config';

function problems(env: Environment): string[] {
  try {
    loadGatewayConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('admin and B2C authentication settings', () => {
  it('leaves admin.mode unset (closed) outside production', () => {
    expect(loadGatewayConfig({}).admin.mode).toBeUndefined();
  });

  it('requires admin.mode in production', () => {
    expect(problems({ NODE_ENV: 'production' })).toContain(
      'admin.mode (ADMIN_MODE): is required when NODE_ENV=production',
    );
    expect(problems({ NODE_ENV: 'production', ADMIN_MODE: 'disabled' }).join('\n')).not.toMatch(
      /ADMIN_MODE/,
    );
  });

  it('names each missing jwt setting', () => {
    expect(problems({ ADMIN_MODE: 'jwt' })).toEqual([
      'admin.jwt.jwksUrl (ADMIN_JWT_JWKS_URL): is required when admin.mode is jwt',
      'admin.jwt.issuer (ADMIN_JWT_ISSUER): is required when admin.mode is jwt',
      'admin.jwt.audience (ADMIN_JWT_AUDIENCE): is required when admin.mode is jwt',
    ]);
  });

  it('reads algorithms as a comma list and refuses none and HS*', () => {
    const jwt = {
      ADMIN_MODE: 'jwt',
      ADMIN_JWT_JWKS_URL: 'https://idcs-x.identity.oraclecloud.com/admin/v1/SigningCert/jwk',
      ADMIN_JWT_ISSUER: 'https://identity.oraclecloud.com/',
      ADMIN_JWT_AUDIENCE: 'https://gateway.example.com/admin',
    };
    expect(
      loadGatewayConfig({ ...jwt, ADMIN_JWT_ALGORITHMS: 'RS256, ES256' }).admin.jwt.algorithms,
    ).toEqual(['RS256', 'ES256']);
    for (const algorithms of ['HS256', 'none', 'RS256,HS512']) {
      expect(problems({ ...jwt, ADMIN_JWT_ALGORITHMS: algorithms }).join('\n')).toMatch(
        /admin\.jwt\.algorithms \(ADMIN_JWT_ALGORITHMS\): must list only RS256/,
      );
    }
  });

  it('requires admin.token in token mode', () => {
    expect(problems({ ADMIN_MODE: 'token' })).toEqual([
      'admin.token (ADMIN_TOKEN): is required when admin.mode is token',
    ]);
  });

  const site = { B2C_URL: 'https://mysite.custhelp.com', B2C_USERNAME: 'u', B2C_PASSWORD: 'p' };

  it('names each missing OAuth setting', () => {
    expect(problems({ ...site, B2C_AUTH: 'oauth' })).toEqual([
      'b2c.oauth: is required when b2c.auth is oauth',
    ]);
    expect(problems({ ...site, B2C_AUTH: 'oauth', B2C_OAUTH_CLIENT_ID: 'c' })).toEqual([
      'b2c.oauth.tokenUrl (B2C_OAUTH_TOKEN_URL): is required when b2c.auth is oauth',
      'b2c.oauth.clientSecret (B2C_OAUTH_CLIENT_SECRET): is required when b2c.auth is oauth',
    ]);
  });

  it('requires b2c.sessionId in session mode, and a site for anything but basic', () => {
    expect(problems({ ...site, B2C_AUTH: 'session' })).toEqual([
      'b2c.sessionId (B2C_SESSION_ID): is required when b2c.auth is session',
    ]);
    expect(problems({ B2C_AUTH: 'session', B2C_SESSION_ID: 'env:S' })).toEqual([
      'b2c.auth (B2C_AUTH): oauth and session need b2c.url (B2C_URL): the embedded emulator accepts only basic',
    ]);
    expect(problems({ ...site, B2C_AUTH: 'kerberos' }).join('\n')).toMatch(
      /b2c\.auth \(B2C_AUTH\)/,
    );
  });
});
