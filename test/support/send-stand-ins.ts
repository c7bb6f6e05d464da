import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ConformanceKit } from '../../src/vendors/conformance/conformance-kit';
import type { SendStandIn } from '../../src/vendors/kit/send-stand-in';
import type { SendStandInServer } from '../../src/vendors/kit/send-stand-in.server';
import { TEST_B2C_PASSWORD, TEST_B2C_USERNAME, TEST_PUBLIC_BASE_URL } from './gateway-env';
import { storageEnv } from './test-storage';

/**
 * The kit's own GATEWAY_CONFIG (if any) with the stand-ins' hosts pinned as well: a gateway
 * reads one configuration file.
 */
function configWithStandIns(server: SendStandInServer, kitConfig?: string): string {
  const config = (kitConfig ? parseYaml(readFileSync(kitConfig, 'utf8')) : {}) as {
    allowlist?: { outbound?: { hostAddresses?: Record<string, string> } };
  };
  const outbound = { ...config.allowlist?.outbound };
  outbound.hostAddresses = { ...outbound.hostAddresses, ...server.hostAddresses() };
  const file = join(mkdtempSync(join(tmpdir(), 'send-conformance-')), 'gateway.yaml');
  writeFileSync(file, JSON.stringify({ ...config, allowlist: { ...config.allowlist, outbound } }));
  return file;
}

/**
 * A gateway with `kit`'s vendor enabled, its send settings those `standIn` accepts, reaching the
 * stand-ins' server and the B2C site `b2cUrl` (plain http, as the emulator is).
 */
export function sendingGatewayEnv(
  server: SendStandInServer,
  kit: ConformanceKit,
  standIn: SendStandIn,
  b2cUrl: string,
): Record<string, string> {
  const kitTargets = (kit.env.ALLOWLIST_OUTBOUND_TARGETS ?? '').split(',').filter(Boolean);
  const reach = server.env([...new Set([b2cUrl, ...kitTargets])]);
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'send-conformance-')),
    PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    B2C_URL: b2cUrl,
    B2C_USERNAME: TEST_B2C_USERNAME,
    B2C_PASSWORD: TEST_B2C_PASSWORD,
    LOG_LEVEL: 'warn',
    ...storageEnv(),
    ...kit.env,
    ...standIn.env,
    ...reach,
    ALLOWLIST_OUTBOUND_ALLOW_HTTP_FOR_DEVELOPMENT: 'true',
    GATEWAY_CONFIG: configWithStandIns(server, kit.env.GATEWAY_CONFIG),
  };
}
