import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../common/problem/config-error';
import { GatewayConfig } from '../../../config/gateway-config';
import { loadGatewayConfig } from '../../../config/load-config';
import { checkOutboundTarget, safeTarget } from '../check-outbound-target';
import { allowEmbeddedEmulatorTarget } from '../../../config/development-targets';
import { compileOutboundPolicy, type OutboundPolicy } from './outbound-policy';
import { parseOutboundTarget } from './outbound-target';
import { OutboundSettings } from './outbound.settings';

function settings(targets: string[], extra: Partial<OutboundSettings> = {}): OutboundSettings {
  return Object.assign(new OutboundSettings(), { targets, ...extra });
}

function policy(targets: string[], extra: Partial<OutboundSettings> = {}): OutboundPolicy {
  return compileOutboundPolicy(settings(targets, extra), 'development');
}

function configFromYaml(yaml: string): GatewayConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'outbound-config-')), 'gateway.yaml');
  writeFileSync(file, yaml);
  return loadGatewayConfig({ GATEWAY_CONFIG: file });
}

describe('outbound target entries', () => {
  it.each([
    ['mysite.custhelp.com', { host: 'mysite.custhelp.com', wildcard: false, pathPrefix: '/' }],
    ['MySite.CustHelp.com.', { host: 'mysite.custhelp.com', wildcard: false, pathPrefix: '/' }],
    ['*.example.com', { host: 'example.com', wildcard: true, pathPrefix: '/' }],
    ['bücher.example', { host: 'xn--bcher-kva.example', wildcard: false, pathPrefix: '/' }],
    [
      'https://idcs-abc.identity.oraclecloud.com/admin/v1/SigningCert/',
      { host: 'idcs-abc.identity.oraclecloud.com', pathPrefix: '/admin/v1/SigningCert/' },
    ],
    [
      'https://site.example:443/a/%7Euser',
      { host: 'site.example', port: 443, pathPrefix: '/a/~user' },
    ],
  ])('%s compiles', (entry, expected) => {
    expect(parseOutboundTarget(entry, false)).toMatchObject({ scheme: 'https:', ...expected });
  });

  it.each([
    ['', 'is empty'],
    ['*.com', 'a base of at least two labels'],
    ['a.*.example.com', "only allowed as a leading '*.' label"],
    ['site.example:8443', 'a host entry has no port'],
    ['site.example/path', 'is neither a DNS name nor a URL'],
    ['10.0.0.1', 'is an IP literal (10.0.0.1)'],
    ['2130706433', 'is an IP literal (127.0.0.1)'],
    ['https://[::1]/', 'is an IP literal ([::1])'],
    ['https://site.example:8443/', 'port 8443 is not allowed'],
    ['http://127.0.0.1:8787', 'plain http needs allowlist.outbound.allowHttpForDevelopment'],
    ['ftp://site.example/', 'scheme ftp: is not allowed'],
    ['https://user@site.example/', 'must not carry userinfo'],
    ['https://site.example/a?b=1', 'must not carry a query'],
    ['https://*.example.com/', 'wildcards are only allowed in host entries'],
    ['https://site.example/a%2F..%2Fb', "encoded '/'"],
    ['site .example', 'whitespace'],
    ['site!.example', 'is not a DNS name'],
  ])('%j is refused: %s', (entry, problem) => {
    const parsed = parseOutboundTarget(entry, false);
    expect(typeof parsed).toBe('string');
    expect(parsed).toContain(problem);
  });

  it('takes http://host:port only with the development setting, keeping the listed port', () => {
    expect(parseOutboundTarget('http://127.0.0.1:8787', true)).toMatchObject({
      scheme: 'http:',
      host: '127.0.0.1',
      port: 8787,
    });
  });
});

describe('checkOutboundTarget matching', () => {
  const rules = policy([
    'mysite.custhelp.com',
    '*.example.com',
    'bücher.example',
    'https://idcs-abc.identity.oraclecloud.com/admin/v1/SigningCert/',
    'https://api.vendor.example/v2',
  ]);
  const allowed = (url: string) => checkOutboundTarget(url, rules).allowed;
  const reason = (url: string) => {
    const decision = checkOutboundTarget(url, rules);
    return decision.allowed ? 'allowed' : decision.error.reason;
  };

  it.each([
    'https://mysite.custhelp.com/services/rest/connect/v1.4/contacts?q=1',
    'https://MYSITE.custhelp.COM/',
    'https://mysite.custhelp.com./',
    'https://mysite.custhelp.com:443/',
    'https://a.example.com/',
    'https://a.b.example.com/deep/path',
    'https://bücher.example/',
    'https://xn--bcher-kva.example/',
    'https://idcs-abc.identity.oraclecloud.com/admin/v1/SigningCert/jwk',
    'https://idcs-abc.identity.oraclecloud.com/admin/v1/SigningCert/%6Awk',
    'https://api.vendor.example/v2',
    'https://api.vendor.example/v2/messages',
    'https://mysite.custhelp.com/@evil.example',
  ])('allows %s', (url) => {
    expect(reason(url)).toBe('allowed');
  });

  it.each([
    ['https://example.com/', 'host example.com is not on the outbound allowlist'],
    ['https://evilexample.com/', 'host evilexample.com is not on the outbound allowlist'],
    ['https://a.example.com.evil.net/', 'not on the outbound allowlist'],
    ['https://custhelp.com/', 'not on the outbound allowlist'],
    [
      'https://idcs-abc.identity.oraclecloud.com/admin/v1/SigningCertX',
      'is not under a listed URL prefix',
    ],
    ['https://idcs-abc.identity.oraclecloud.com/admin/v1/', 'is not under a listed URL prefix'],
    ['https://idcs-abc.identity.oraclecloud.com/admin/v1/SigningCert/../Users', 'is not under'],
    ['https://idcs-abc.identity.oraclecloud.com/admin/v1/SigningCert/%2e%2e/Users', 'is not under'],
    ['https://idcs-abc.identity.oraclecloud.com/admin/v1/SigningCert/..%2FUsers', "encoded '/'"],
    ['https://api.vendor.example/v20', 'is not under a listed URL prefix'],
    ['https://api.vendor.example.evil.com/v2', 'not on the outbound allowlist'],
  ])('refuses %s: %s', (url, expected) => {
    expect(reason(url)).toContain(expected);
  });

  it('never lets a wildcard match its own base', () => {
    expect(allowed('https://example.com/')).toBe(false);
  });

  it('refuses everything when nothing is listed', () => {
    const empty = policy([]);
    const decision = checkOutboundTarget('https://mysite.custhelp.com/', empty);
    expect(decision.allowed).toBe(false);
  });

  it('keeps the listed port and scheme for development http targets', () => {
    const dev = policy(['http://127.0.0.1:8787'], { allowHttpForDevelopment: true });
    expect(checkOutboundTarget('http://127.0.0.1:8787/services', dev).allowed).toBe(true);
    expect(checkOutboundTarget('http://2130706433:8787/services', dev).allowed).toBe(true);
    const other = checkOutboundTarget('http://127.0.0.1:8788/', dev);
    expect(other.allowed || other.error.reason).toContain(
      'is not a listed http:// development target',
    );
    const https = checkOutboundTarget('https://127.0.0.1:8787/', dev);
    expect(https.allowed || https.error.reason).toContain('port 8787 is not allowed');
  });
});

describe('safeTarget', () => {
  it.each([
    ['https://user:secret@evil.example/p?token=abc#frag', 'https://evil.example/p'],
    ['https://evil.example:8443/x', 'https://evil.example:8443/x'],
    ['not a url user:pw@x?secret', 'not a url user:pw@x'],
    ['gopher://u:p@host/?q', 'gopher://host/'],
  ])('%s is logged as %s', (raw, safe) => {
    expect(safeTarget(raw)).toBe(safe);
    expect(safeTarget(raw)).not.toMatch(/secret|token|abc|frag|u:p/);
  });
});

describe('outbound settings in the gateway configuration', () => {
  it('reads the list from YAML and names each bad entry and its problem', () => {
    let error: unknown;
    try {
      configFromYaml(
        [
          'allowlist:',
          '  outbound:',
          '    targets:',
          '      - mysite.custhelp.com',
          '      - https://site.example:8443/',
          '      - "*.com"',
        ].join('\n'),
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(
      'allowlist.outbound.targets (ALLOWLIST_OUTBOUND_TARGETS): entry 2 "https://site.example:8443/" port 8443',
    );
    expect(message).toContain(
      'entry 3 "*.com" a \'*.\' wildcard needs a base of at least two labels',
    );
  });

  it('splits a comma- or space-separated list (the environment form)', () => {
    const config = configFromYaml(
      'allowlist:\n  outbound:\n    targets: "mysite.custhelp.com, *.example.com  api.example.org"\n',
    );
    expect(config.allowlist.outbound.targets).toEqual([
      'mysite.custhelp.com',
      '*.example.com',
      'api.example.org',
    ]);
  });

  it('refuses plain http in production', () => {
    expect(() =>
      compileOutboundPolicy(
        settings(['http://127.0.0.1:8787'], { allowHttpForDevelopment: true }),
        'production',
      ),
    ).toThrow(
      'allowlist.outbound.allowHttpForDevelopment (ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT): must be false when NODE_ENV=production',
    );
  });

  it('refuses a CA bundle that is missing or holds no certificate', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbound-ca-'));
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'nothing here');
    expect(() => policy([], { caBundleFile: join(dir, 'missing.pem') })).toThrow(
      /cannot read .*missing\.pem \(ENOENT\)/,
    );
    expect(() => policy([], { caBundleFile: empty })).toThrow('holds no PEM certificate');
  });

  it('development defaults for the embedded emulator list its origin and turn http on', () => {
    const config = new GatewayConfig();
    config.emulator.port = 8787;
    allowEmbeddedEmulatorTarget(config);
    expect(config.allowlist.outbound).toMatchObject({
      allowHttpForDevelopment: true,
      targets: ['http://127.0.0.1:8787'],
    });
    const rules = compileOutboundPolicy(config.allowlist.outbound, config.nodeEnv);
    expect(
      checkOutboundTarget('http://127.0.0.1:8787/services/rest/connect/v1.4/', rules).allowed,
    ).toBe(true);
  });
});
