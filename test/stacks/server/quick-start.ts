// README.md "Your backend: prove-verify-server", block 1: the quick start's server entry.
import { createProveVerifyHandlers, proveFromEnv } from 'prove-verify-server';

export const prove = createProveVerifyHandlers({
  prove: proveFromEnv(process.env), // PROVE_CLIENT_ID, PROVE_CLIENT_SECRET, PROVE_ENV
  finalTarget: { landingUrl: 'https://shop.example/link-opened.html' },
  pageOrigins: ['https://shop.example'],
  onVerified: (result) => console.log(result.success, result.phoneNumber), // the verdict: trust this, not the page
});
// Answer every method of /api/verify, /api/verify-status and /api/webhook with
// prove.handle(request, { clientAddress }), before any body parser.
