import type { SecretHandle } from '../secrets/secret-handle';
import type { VendorServices, WebhookVendor } from './webhook-vendor';

/**
 * A vendor that is enabled, with its validated settings. Secret settings stay live: after a
 * rotation `settings()` carries the new value, and during the rotation overlap
 * `previousSettings()` carries the old one, so a vendor still signing with it is accepted.
 */
export class EnabledVendor {
  private cached: { values: string[]; settings: object };

  constructor(
    readonly vendor: WebhookVendor,
    private readonly validated: object,
    private readonly secrets: ReadonlyMap<string, SecretHandle>,
    readonly services: VendorServices,
  ) {
    this.cached = { values: this.currentValues(), settings: validated };
  }

  /** The settings with every secret at its current value; rebuilt only after a rotation. */
  settings(): object {
    const values = this.currentValues();
    if (values.some((value, index) => value !== this.cached.values[index])) {
      this.cached = { values, settings: this.withSecrets((handle) => handle.current()) };
    }
    return this.cached.settings;
  }

  /** Inside a rotation overlap: the settings with the previous secret values; else none. */
  previousSettings(): object | undefined {
    let rotating = false;
    const settings = this.withSecrets((handle) => {
      const [current, previous] = handle.acceptedValues();
      if (previous === undefined) return current;
      rotating = true;
      return previous;
    });
    return rotating ? settings : undefined;
  }

  private currentValues(): string[] {
    return [...this.secrets.values()].map((handle) => handle.current());
  }

  private withSecrets(value: (handle: SecretHandle) => string): object {
    const settings = Object.assign(
      Object.create(Object.getPrototypeOf(this.validated) as object | null) as object,
      this.validated,
    );
    for (const [key, handle] of this.secrets) {
      (settings as Record<string, unknown>)[key] = value(handle);
    }
    return settings;
  }
}
