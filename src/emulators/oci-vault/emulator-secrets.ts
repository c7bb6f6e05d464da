/** One version of an emulated secret. */
export interface SecretVersion {
  versionNumber: number;
  versionName?: string;
  /** Base64, as Vault stores and returns it. */
  content: string;
  timeCreated: string;
}

export type VersionSelector =
  { stage: string } | { versionNumber: number } | { secretVersionName: string };

/**
 * The emulator's secrets: each `put` adds a version that becomes CURRENT (and LATEST); the one it
 * replaces becomes PREVIOUS, older ones DEPRECATED, as after a rotation in OCI Vault.
 */
export class EmulatorSecrets {
  private readonly secrets = new Map<string, SecretVersion[]>();

  put(secretId: string, value: string | Buffer, versionName?: string): number {
    const versions = this.secrets.get(secretId) ?? [];
    const versionNumber = versions.length + 1;
    versions.push({
      versionNumber,
      versionName,
      content: Buffer.from(value).toString('base64'),
      timeCreated: new Date().toISOString(),
    });
    this.secrets.set(secretId, versions);
    return versionNumber;
  }

  delete(secretId: string): boolean {
    return this.secrets.delete(secretId);
  }

  /** The version and its stages, or undefined when the secret or that version does not exist. */
  find(
    secretId: string,
    selector: VersionSelector,
  ): { version: SecretVersion; stages: string[] } | undefined {
    const versions = this.secrets.get(secretId);
    if (!versions) return undefined;
    let version: SecretVersion | undefined;
    if ('versionNumber' in selector) {
      version = versions.find((one) => one.versionNumber === selector.versionNumber);
    } else if ('secretVersionName' in selector) {
      version = versions.find((one) => one.versionName === selector.secretVersionName);
    } else {
      version = versions.find((one) => stagesOf(one, versions).includes(selector.stage));
    }
    return version && { version, stages: stagesOf(version, versions) };
  }
}

function stagesOf(version: SecretVersion, versions: SecretVersion[]): string[] {
  const newest = versions.length;
  if (version.versionNumber === newest) return ['CURRENT', 'LATEST'];
  if (version.versionNumber === newest - 1) return ['PREVIOUS'];
  return ['DEPRECATED'];
}
