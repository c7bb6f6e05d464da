import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { B2cAuthProvider } from './b2c-auth-provider.port';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Set on the one repeat of a request B2C answered 401, so it is not repeated again. */
    b2cAuthRetried?: boolean;
  }
}

function authorizationOf(config: InternalAxiosRequestConfig): string {
  const value = config.headers.get('Authorization');
  return typeof value === 'string' ? value : '';
}

/**
 * Puts the provider's `Authorization` header on every request of `axios` (the B2C HttpService's
 * instance) and, when B2C answers 401 and the provider has a fresh credential (OAuth), sends
 * that request once more. Any further 401 goes to the caller as it is.
 */
export function installB2cAuth(axios: AxiosInstance, provider: B2cAuthProvider): void {
  axios.interceptors.request.use(async (config) => {
    config.headers.set('Authorization', await provider.authorization());
    return config;
  });

  const retryOnce = async (
    config: InternalAxiosRequestConfig | undefined,
    status: number | undefined,
  ): Promise<AxiosResponse | undefined> => {
    if (status !== 401 || !config || config.b2cAuthRetried) return undefined;
    if (!(await provider.rejected(authorizationOf(config)))) return undefined;
    return axios.request({ ...config, b2cAuthRetried: true });
  };

  axios.interceptors.response.use(
    async (response) => (await retryOnce(response.config, response.status)) ?? response,
    async (error: AxiosError) => {
      const retried = await retryOnce(error.config, error.response?.status);
      if (retried) return retried;
      throw error;
    },
  );
}
