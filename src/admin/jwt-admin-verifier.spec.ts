import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { OutboundGuard } from '../allowlist/outbound/outbound-guard';
import { compileOutboundPolicy } from '../allowlist/outbound/targets/outbound-policy';
import { OutboundSettings } from '../allowlist/outbound/targets/outbound.settings';
import { AdminUnauthorizedError } from '../common/problem/gateway-error';
import { AdminJwtSettings } from '../config/admin.settings';
import { JwtAdminVerifier } from './jwt-admin-verifier';
import { RemoteJwks } from './remote-jwks';

/** A loopback port that was free a moment ago and has no listener now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('JwtAdminVerifier with a JWKS out of reach', () => {
  const settings = Object.assign(new AdminJwtSettings(), {
    issuer: 'https://identity.oraclecloud.com/',
    audience: 'https://gateway.example.com/admin',
  });
  let jwks: RemoteJwks | undefined;
  afterEach(() => jwks?.close());

  const refusal = async (jwksUrl: string, targets: string[]) => {
    const guard = new OutboundGuard(
      compileOutboundPolicy(
        Object.assign(new OutboundSettings(), { targets, allowHttpForDevelopment: true }),
        'test',
      ),
    );
    jwks = new RemoteJwks(guard, {
      url: jwksUrl,
      maxAgeMs: settings.jwksMaxAgeMs,
      refreshCooldownMs: settings.jwksRefreshCooldownMs,
      timeoutMs: 1000,
      purpose: 'admin-jwks',
    });
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ sub: 'ops@example.com' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setExpirationTime('10m')
      .sign(privateKey);
    try {
      await new JwtAdminVerifier(settings, jwks).verify(token);
    } catch (error) {
      expect(error).toBeInstanceOf(AdminUnauthorizedError);
      expect((error as Error).message).not.toContain(token.split('.')[1]);
      return (error as Error).message;
    }
    throw new Error('expected a refusal');
  };

  it('answers "keys unavailable" when nothing listens at the JWKS', async () => {
    const origin = `http://127.0.0.1:${await closedPort()}`;
    expect(await refusal(`${origin}/jwk`, [origin])).toBe(
      "the identity domain's signing keys are unavailable; try again later",
    );
  });

  it('answers "keys unavailable" when the JWKS host is off the outbound allowlist', async () => {
    expect(await refusal('https://idp.example.com/jwk', ['other.example.com'])).toBe(
      "the identity domain's signing keys are unavailable; try again later",
    );
  });
});
