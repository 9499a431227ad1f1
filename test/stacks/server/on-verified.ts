// docs/server.md "The verdict on your server: `onVerified`", block 1
import { SignJWT } from 'jose';
import { createProveVerifyHandlers, proveFromEnv } from 'prove-verify-server';

const receiptKey = new TextEncoder().encode(process.env.RECEIPT_SECRET);

export const prove = createProveVerifyHandlers({
  prove: proveFromEnv(process.env),
  finalTarget: { landingUrl: 'https://shop.example/link-opened.html' },
  pageOrigins: ['https://shop.example'],
  // Once per flow, on your server: a receipt the page hands to your signup endpoint, which checks
  // it there. The browser carries it but cannot forge it, or swap the number it names.
  onVerified: async (result) => {
    if (!result.success) return;
    const receipt = await new SignJWT({ phone: result.phoneNumber })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(receiptKey);
    return { receipt };
  },
});
