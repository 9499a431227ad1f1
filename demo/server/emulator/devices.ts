import { createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';

/**
 * Prove Keys: the ECDSA P-256 keys SDK 3.6.2 makes in the browser (web-device-auth.js) and
 * registers with /v1/client/device/passive/register. A key is bound to a phone once a Unify
 * flow that used it succeeds (docs/unify-flow: "Bind: Establishes possession of the phone number
 * to register the Prove Key"); a bound key then proves possession of that phone by itself.
 */
export interface ProveKey {
  deviceId: string;
  /** The SDK's own id for the key pair (publicKey.id, later PA-KID and verify's keyId). */
  keyId: string;
  key: KeyObject;
  clientId: string;
  /** E.164 of the phone the key is bound to, once bound. */
  boundPhone?: string;
}

/** The public key the SDK sends: SPKI PEM of an EC P-256 key, or undefined when it is not one. */
export function readP256Key(pem: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return undefined;
    return key;
  } catch {
    return undefined;
  }
}

/**
 * ES256 as the SDK signs: SHA-256 over the UTF-8 text, the signature DER-encoded (its
 * p1363ToDer) and then base64.
 */
export function signatureHolds(key: KeyObject, data: string, signatureB64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64) || signatureB64.length > 200) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(data, 'utf8'),
      { key, dsaEncoding: 'der' },
      Buffer.from(signatureB64, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Bounded like the flow store: the oldest key goes first. */
export class DeviceStore {
  private readonly keys = new Map<string, ProveKey>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.keys.size;
  }

  register(clientId: string, keyId: string, key: KeyObject): ProveKey {
    const device: ProveKey = { deviceId: randomUUID(), keyId, key, clientId };
    this.keys.set(device.deviceId, device);
    while (this.keys.size > this.maxKeys) this.keys.delete(this.keys.keys().next().value as string);
    return device;
  }

  get(deviceId: string): ProveKey | undefined {
    return this.keys.get(deviceId);
  }

  bind(deviceId: string, phone: string): void {
    const device = this.keys.get(deviceId);
    if (device) device.boundPhone = phone;
  }

  clear(): void {
    this.keys.clear();
  }

  /** Every key stays registered, but has proved no phone yet. */
  unbindAll(): void {
    for (const device of this.keys.values()) delete device.boundPhone;
  }
}
