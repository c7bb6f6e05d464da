import { isVendorName } from '../src/messages/vendor-name';

/** The vendor name among `npm run new:vendor` arguments, if it is one: the gateway's own rule. */
export function scaffoldName(args: readonly string[]): string | undefined {
  const name = args.find((arg) => !arg.startsWith('--'));
  return name !== undefined && isVendorName(name) ? name : undefined;
}
