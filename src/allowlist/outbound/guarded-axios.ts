import axios, {
  type AxiosAdapter,
  type AxiosInstance,
  type AxiosRequestConfig,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { OutboundGuard } from './outbound-guard';

/** What an axios client of the gateway must run with; spread into its defaults. */
export type GuardedAxiosDefaults = Required<
  Pick<
    AxiosRequestConfig,
    'adapter' | 'httpAgent' | 'httpsAgent' | 'proxy' | 'maxRedirects' | 'maxContentLength'
  >
>;

export interface GuardedAxiosOptions {
  /** Named in refusal logs, e.g. 'b2c'. */
  purpose: string;
  maxSockets: number;
  /** Largest response body; default 8 MiB. */
  maxContentLength?: number;
}

/** Adapters made by `guardedAxiosDefaults`, and how each pins a request. */
const PINNERS = new WeakMap<
  object,
  (config: InternalAxiosRequestConfig) => InternalAxiosRequestConfig
>();

/**
 * Defaults that put an axios instance behind the outbound guard: agents that refuse off-list
 * hosts at connect time, an adapter that checks the final URL (after every interceptor and
 * request transform), no proxy from the environment, no redirects. Install
 * `guardAxiosInstance` on the instance as well, so a per-request override of these is undone.
 */
export function guardedAxiosDefaults(
  guard: OutboundGuard,
  options: GuardedAxiosOptions,
): GuardedAxiosDefaults {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  const httpsAgent = guard.createHttpsAgent(agentOptions);
  const httpAgent = guard.createHttpAgent(agentOptions);
  const nodeHttp = axios.getAdapter('http');

  const pin = (config: InternalAxiosRequestConfig): InternalAxiosRequestConfig => {
    // Each of these, set per request, could reach a host the agents never see (a proxy, a
    // custom transport, HTTP/2 sessions, a unix socket) or follow a redirect off the list.
    config.adapter = adapter;
    config.httpsAgent = httpsAgent;
    config.httpAgent = httpAgent;
    config.proxy = false;
    config.maxRedirects = 0;
    config.httpVersion = 1;
    config.socketPath = null;
    delete config.transport;
    delete config.http2Options;
    delete config.lookup;
    delete config.beforeRedirect;
    const url = fullUrl(config);
    guard.assertAllowed(url, options.purpose);
    return config;
  };
  const adapter: AxiosAdapter = (config) => nodeHttp(pin(config));
  PINNERS.set(adapter, pin);

  return {
    adapter,
    httpsAgent,
    httpAgent,
    proxy: false,
    maxRedirects: 0,
    maxContentLength: options.maxContentLength ?? 8 * 1024 * 1024,
  };
}

/**
 * Adds the request interceptor that pins the guarded transport and raises a clear
 * `OutboundRefusedError` before the request goes further. Registered first, it runs last of
 * the request interceptors (axios runs them in reverse order of registration).
 */
export function guardAxiosInstance(instance: AxiosInstance): void {
  const adapter = instance.defaults.adapter;
  const pin = typeof adapter === 'function' ? PINNERS.get(adapter) : undefined;
  if (!pin) {
    throw new Error('this axios instance is not configured with guardedAxiosDefaults()');
  }
  instance.interceptors.request.use(pin);
}

/** The URL the http adapter will request: baseURL joined as axios joins it, params included. */
function fullUrl(config: InternalAxiosRequestConfig): string {
  try {
    return axios.getUri(config);
  } catch {
    // Left for the guard to refuse as not a valid URL, without echoing a malformed input.
    return `${config.baseURL ?? ''}${config.url ?? ''}`;
  }
}
