import { isVendorName } from '../messages/vendor-name';

/** The per-vendor throttle key: routable names only, so made-up names share one bucket. */
export function vendorTracker(name: unknown): string {
  return `vendor:${typeof name === 'string' && isVendorName(name) ? name : '(other)'}`;
}
