import { createSign } from 'node:crypto';
import { createApiKeyIdentity, ociFingerprint } from './api-key-identity';
import { checkSignature, parseSignatureHeader } from './request-signature';
import { VaultEmulator } from './vault-emulator';

/** Signs a GET the way OCI documents it (independently of the SDK). */
function signedGet(
  identity: ReturnType<typeof createApiKeyIdentity>,
  url: string,
  host: string,
  options: { headers?: string[]; date?: string; keyId?: string } = {},
): Record<string, string> {
  const date = options.date ?? new Date().toUTCString();
  const names = options.headers ?? ['date', '(request-target)', 'host'];
  const values: Record<string, string> = { date, host };
  const signingString = names
    .map((name) =>
      name === '(request-target)' ? `(request-target): get ${url}` : `${name}: ${values[name]}`,
    )
    .join('\n');
  const signature = createSign('sha256')
    .update(signingString)
    .sign(identity.privateKeyPem, 'base64');
  return {
    date,
    host,
    authorization:
      `Signature version="1",keyId="${options.keyId ?? identity.keyId}",algorithm="rsa-sha256",` +
      `headers="${names.join(' ')}",signature="${signature}"`,
  };
}

describe('Vault emulator request signatures', () => {
  const identity = createApiKeyIdentity();
  const keys = (keyId: string) => (keyId === identity.keyId ? identity.publicKey : undefined);
  const url = '/20190301/secretbundles/ocid1.vaultsecret.oc1.iad.x?stage=CURRENT';

  it('computes the fingerprint as OCI shows it', () => {
    expect(ociFingerprint(identity.publicKey)).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  });

  it('accepts a correctly signed GET', () => {
    const headers = signedGet(identity, url, 'vault.test');
    expect(checkSignature({ method: 'GET', url, headers }, keys)).toEqual({
      ok: true,
      keyId: identity.keyId,
    });
    expect(parseSignatureHeader(headers.authorization)).toMatchObject({
      version: '1',
      algorithm: 'rsa-sha256',
      headers: ['date', '(request-target)', 'host'],
    });
  });

  it.each([
    ['another path', { url: url.replace('CURRENT', 'PREVIOUS') }, 'signature does not verify'],
    ['another host', { host: 'evil.test' }, 'signature does not verify'],
    ['host not signed', { names: ['date', '(request-target)'] }, 'host is not signed'],
    ['no date signed', { names: ['(request-target)', 'host'] }, 'date or x-date is not signed'],
    [
      'an old date',
      { date: new Date(Date.now() - 6 * 60_000).toUTCString() },
      'date is missing or more than 5 minutes off',
    ],
    ['an unknown key', { keyId: 'ocid1.tenancy.oc1..x/ocid1.user.oc1..y/00:11' }, 'unknown keyId'],
  ])(
    'refuses %s',
    (
      _case,
      change: { url?: string; host?: string; names?: string[]; date?: string; keyId?: string },
      reason,
    ) => {
      const headers = signedGet(identity, url, 'vault.test', {
        headers: change.names,
        date: change.date,
        keyId: change.keyId,
      });
      if (change.host) headers.host = change.host;
      expect(checkSignature({ method: 'GET', url: change.url ?? url, headers }, keys)).toEqual({
        ok: false,
        reason,
      });
    },
  );

  it('refuses another algorithm and a missing header', () => {
    const headers = signedGet(identity, url, 'vault.test');
    const other = headers.authorization.replace('rsa-sha256', 'hmac-sha256');
    expect(
      checkSignature({ method: 'GET', url, headers: { ...headers, authorization: other } }, keys),
    ).toEqual({
      ok: false,
      reason: 'algorithm must be rsa-sha256',
    });
    expect(checkSignature({ method: 'GET', url, headers: { host: 'x' } }, keys)).toEqual({
      ok: false,
      reason: 'missing Signature authorization header',
    });
  });
});

describe('Vault emulator HTTP API', () => {
  let emulator: VaultEmulator;
  const identity = createApiKeyIdentity();
  const secretId = 'ocid1.vaultsecret.oc1.iad.amaaaaaaemulatorspec';

  beforeAll(async () => {
    emulator = await VaultEmulator.start();
    emulator.addApiKey(identity.keyId, identity.publicKey);
  });
  afterAll(() => emulator.close());

  async function get(path: string, sign = true) {
    const host = new URL(emulator.url).host;
    const response = await fetch(`${emulator.url}${path}`, {
      headers: sign ? signedGet(identity, path, host) : {},
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('serves versions by stage, number and name after rotations set through the control API', async () => {
    const put = (value: string, versionName?: string) =>
      fetch(`${emulator.url}/_emulator/secrets/${secretId}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value, versionName }),
      }).then((response) => response.json());
    await expect(put('first', 'v-one')).resolves.toEqual({ secretId, versionNumber: 1 });
    await put('second');

    const current = await get(`/20190301/secretbundles/${secretId}?stage=CURRENT`);
    expect(current).toEqual({
      status: 200,
      body: expect.objectContaining({
        secretId,
        versionNumber: 2,
        stages: ['CURRENT', 'LATEST'],
        secretBundleContent: {
          contentType: 'BASE64',
          content: Buffer.from('second').toString('base64'),
        },
      }),
    });
    const previous = await get(`/20190301/secretbundles/${secretId}?stage=PREVIOUS`);
    expect(previous.body).toMatchObject({ versionNumber: 1, stages: ['PREVIOUS'] });
    expect((await get(`/20190301/secretbundles/${secretId}?versionNumber=1`)).body).toMatchObject({
      versionName: 'v-one',
    });
    expect(
      (await get(`/20190301/secretbundles/${secretId}?secretVersionName=v-one`)).body,
    ).toMatchObject({
      versionNumber: 1,
    });
  });

  it('answers 404 NotAuthorizedOrNotFound for an unknown secret and 401 without a signature', async () => {
    await expect(
      get('/20190301/secretbundles/ocid1.vaultsecret.oc1.iad.unknown?stage=CURRENT'),
    ).resolves.toEqual({
      status: 404,
      body: { code: 'NotAuthorizedOrNotFound', message: expect.any(String) },
    });
    await expect(get(`/20190301/secretbundles/${secretId}`, false)).resolves.toMatchObject({
      status: 401,
      body: { code: 'NotAuthenticated' },
    });
  });
});
