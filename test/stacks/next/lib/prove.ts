// docs/server.md "Next.js route handlers", block 1
import { createProveVerifyHandlers, proveFromEnv } from 'prove-verify-server';

// A function: the settings are made and checked at the first request, not when `next build`
// imports this module without the server's environment. A setting that cannot work is then
// logged once, and every request answered 500 until it is fixed.
export const prove = createProveVerifyHandlers(() => ({
  prove: proveFromEnv(process.env), // PROVE_CLIENT_ID, PROVE_CLIENT_SECRET; PROVE_ENV: uat-us (default), prod-us, uat-eu, prod-eu
  finalTarget: { landingUrl: 'https://shop.example/link-opened.html' },
  pageOrigins: ['https://shop.example'],
  webhookSecret: process.env.PROVE_WEBHOOK_SECRET,
  // The client's address, for the per-address budgets: Vercel sets x-real-ip, Cloudflare
  // cf-connecting-ip; elsewhere, the header your host's proxy sets to it (never one a client can send).
  clientAddressHeader: 'x-real-ip',
}));
