import { Agent as HttpsAgent } from 'node:https';
import { Socket } from 'node:net';
import { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import axios, { type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import { firstValueFrom } from 'rxjs';
import { b2cRestBase } from '../../b2c/b2c-connection';
import { startEmulator, type RunningEmulator } from '../../emulators/b2c-service/emulator';
import { OutboundRefusedError } from '../../common/problem/gateway-error';
import { guardAxiosInstance, guardedAxiosDefaults } from './guarded-axios';
import { OutboundGuard } from './outbound-guard';
import { compileOutboundPolicy } from './targets/outbound-policy';
import { OutboundSettings } from './targets/outbound.settings';

const USERNAME = 'gateway';
const PASSWORD = 'guarded-axios-test-password';

/**
 * The B2C client's axios path, set up as b2c.module does (guarded defaults spread into the
 * HttpModule options, the guard's interceptor installed on the instance), against the real
 * B2C emulator listed as a development http target.
 */
describe('B2C axios behind the outbound guard', () => {
  let emulator: RunningEmulator;
  let http: HttpService;
  let connects: jest.SpyInstance;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    emulator = await startEmulator({ dbFile: ':memory:', username: USERNAME, password: PASSWORD });
    const settings = Object.assign(new OutboundSettings(), {
      targets: [emulator.url],
      allowHttpForDevelopment: true,
    });
    const guard = new OutboundGuard(compileOutboundPolicy(settings, 'test'));
    const instance = axios.create({
      baseURL: b2cRestBase(emulator.url, 'v1.4'),
      timeout: 5000,
      auth: { username: USERNAME, password: PASSWORD },
      headers: { 'OSvC-CREST-Application-Context': 'test', Accept: 'application/json' },
      ...guardedAxiosDefaults(guard, { purpose: 'b2c', maxSockets: 4 }),
    });
    guardAxiosInstance(instance);
    http = new HttpService(instance);
  });

  afterAll(async () => {
    await emulator.close();
  });

  beforeEach(() => {
    connects = jest.spyOn(Socket.prototype, 'connect');
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    connects.mockRestore();
    warn.mockRestore();
  });

  const call = (config: AxiosRequestConfig) => firstValueFrom(http.request(config));

  async function refused(config: AxiosRequestConfig): Promise<OutboundRefusedError> {
    const error = await call(config).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutboundRefusedError);
    return error as OutboundRefusedError;
  }

  it('reaches the listed emulator', async () => {
    const response = await call({ method: 'GET', url: 'contacts' });
    expect(response.status).toBe(200);
    // The spy sees real connects, so the "no socket" checks below can fail.
    expect(connects).toHaveBeenCalled();
  });

  it('refuses an unlisted host without opening a socket, naming target and reason, and logs it', async () => {
    const error = await refused({ method: 'GET', url: 'https://evil.example/' });
    expect(error.target).toBe('https://evil.example/');
    expect(error.reason).toBe('host evil.example is not on the outbound allowlist');
    expect(connects).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ target: 'https://evil.example/', purpose: 'b2c' }),
    );
  });

  it('refuses the emulator host on another port, and metadata addresses', async () => {
    const otherPort = Number(new URL(emulator.url).port) + 1;
    const port = await refused({ url: `http://127.0.0.1:${otherPort}/` });
    expect(port.reason).toBe(
      `http://127.0.0.1:${otherPort} is not a listed http:// development target (https only)`,
    );
    const metadata = await refused({ url: 'http://169.254.169.254/latest/meta-data/' });
    expect(metadata.target).toBe('http://169.254.169.254/latest/meta-data/');
    expect(connects).not.toHaveBeenCalled();
  });

  it('undoes per-request overrides of adapter, agent, proxy and redirects', async () => {
    const error = await refused({
      url: 'https://evil.example/',
      adapter: 'fetch',
      httpsAgent: new HttpsAgent(),
      proxy: { protocol: 'http', host: '127.0.0.1', port: Number(new URL(emulator.url).port) },
      maxRedirects: 5,
    });
    expect(error.reason).toBe('host evil.example is not on the outbound allowlist');
    expect(connects).not.toHaveBeenCalled();
  });

  it('checks the final URL: an interceptor added later or a request transform cannot redirect the call', async () => {
    const rewrite = http.axiosRef.interceptors.request.use((config) => {
      if (config.headers['x-test-rewrite']) config.url = 'https://evil.example/late';
      return config;
    });
    try {
      const late = await refused({ url: 'contacts', headers: { 'x-test-rewrite': '1' } });
      expect(late.target).toBe('https://evil.example/late');
    } finally {
      http.axiosRef.interceptors.request.eject(rewrite);
    }
    const transformed = await refused({
      url: 'contacts',
      transformRequest: [
        function (this: InternalAxiosRequestConfig, data: unknown) {
          this.url = 'https://evil.example/transformed';
          return data;
        },
      ],
    });
    expect(transformed.target).toBe('https://evil.example/transformed');
    expect(connects).not.toHaveBeenCalled();
  });

  it('will not install on an axios instance without the guarded defaults', () => {
    expect(() => guardAxiosInstance(axios.create())).toThrow(
      'this axios instance is not configured with guardedAxiosDefaults()',
    );
  });
});
