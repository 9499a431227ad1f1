import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { SandboxClient } from '../../demo/server/emulator/sandbox-client.js';

/**
 * What SDK 3.6.2's device/passive/silent step does with its key (web-device-auth.js), in Node:
 * an ECDSA P-256 key pair, the public key as a one-line SPKI PEM, signatures DER and base64.
 */
export function newDevice() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    keyId: randomUUID(),
    pem: `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----`,
    sign: (data: string) =>
      sign('sha256', Buffer.from(data, 'utf8'), { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
  };
}
export type Device = ReturnType<typeof newDevice>;

/** The claims as the SDK reads them: `JSON.parse(atob(token.split('.')[1]))`. */
export const claimsOf = (token: string) => JSON.parse(atob(token.split('.')[1]!));

/** POST /v1/client/device/passive/register as device-passive-silent-step.js sends it. */
export function registerKey(
  api: SandboxClient,
  authToken: string,
  device: Device,
  challenge = claimsOf(authToken).auth.chlg as string,
) {
  return api.client('device/passive/register', authToken, {
    deviceName: 'Chrome 124 on Android',
    deviceCapabilities: ['webauthn'],
    registrations: [
      { publicKey: { id: device.keyId, alg: 'ES256', key: device.pem, uvLevel: 0 }, signature: device.sign(challenge) },
    ],
    signals: {},
  });
}

/** POST /v1/client/device/passive/verify: the key signs `deviceId:challenge`. */
export function verifyKey(api: SandboxClient, authToken: string, device: Device, deviceId: string) {
  const challenge = claimsOf(authToken).auth.chlg as string;
  return api.client('device/passive/verify', authToken, {
    deviceId,
    keyId: device.keyId,
    signature: device.sign(`${deviceId}:${challenge}`),
    signals: {},
  });
}

/** A request request-signer-v3.js signs: challenge first, then the PA-* headers over the body. */
export async function signedClientCall(
  api: SandboxClient,
  path: string,
  authToken: string,
  device: Device,
  deviceId: string,
  body: object,
) {
  const { body: issued } = await api.client('challenge', authToken, { deviceId });
  const text = JSON.stringify(body);
  const hash = createHash('sha256').update(text).digest('hex');
  const signature = device.sign(`POST\n/v1/client/${path}\n\napplication/json\n${issued.challenge}\n${hash}`);
  return api.post(`/v1/client/${path}`, text, authToken, {
    Origin: 'http://localhost:1',
    'PA-Sig-Version': '3',
    'PA-Challenge': issued.challenge,
    'PA-KID': device.keyId,
    'PA-Signature': signature,
  });
}
