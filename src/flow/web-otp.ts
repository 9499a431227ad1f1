/**
 * WebOTP (`navigator.credentials.get({otp})`): where the browser has it (Chrome on Android, and
 * desktop Chrome with a synced Android phone), it reads the code from the incoming text message,
 * once the person allows it, provided the message ends with the line `@<this origin> #<code>`.
 * Elsewhere nothing happens and the person types (or autofills) the code.
 */

interface OtpCredential extends Credential {
  code: string;
}

/** Whether this browser can be asked for a texted code. */
export function webOtpAvailable(): boolean {
  return typeof window !== 'undefined' && 'OTPCredential' in window && typeof navigator.credentials?.get === 'function';
}

/**
 * Asks the browser for the code of the next text message. Resolves with the code, or `undefined`
 * when the browser has no WebOTP, the person declined, or `signal` aborted the request (then the
 * browser's prompt closes); it never rejects.
 */
export async function requestTextedCode(signal: AbortSignal): Promise<string | undefined> {
  if (!webOtpAvailable() || signal.aborted) return undefined;
  try {
    const credential = (await navigator.credentials.get({
      otp: { transport: ['sms'] },
      signal,
    } as CredentialRequestOptions)) as OtpCredential | null;
    return signal.aborted || !credential?.code ? undefined : credential.code;
  } catch {
    return undefined;
  }
}

/**
 * The code in what was typed, pasted or received, digits only: a run of exactly `length` digits
 * when there is one ("Your code is 1234. It expires in 10 minutes." gives 1234), else all the
 * digits, at most `length`.
 */
export function codeFrom(text: string, length: number): string {
  const exact = text.match(/\d+/g)?.find((run) => run.length === length);
  return exact ?? text.replace(/\D/g, '').slice(0, length);
}
