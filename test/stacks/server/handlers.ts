// README "Your backend: prove-verify-server", block 1
import { createProveVerifyHandlers, proveFromEnv } from 'prove-verify-server';

// Every setting is checked here: one that cannot work (a PROVE_CLIENT_ID not set, a pageOrigins
// typo) stops the server at start with a ConfigError naming it, not at someone's first verification.
export const prove = createProveVerifyHandlers({
  prove: proveFromEnv(process.env), // PROVE_CLIENT_ID, PROVE_CLIENT_SECRET; PROVE_ENV: uat-us (default), prod-us, uat-eu, prod-eu
  finalTarget: { landingUrl: 'https://shop.example/link-opened.html' }, // allowedOrigins: [...] for others
  pageOrigins: ['https://shop.example'], // the pages whose requests are answered
  webhookSecret: process.env.PROVE_WEBHOOK_SECRET,
  // Prove's change events, checked and each token taken once (Prove may deliver an event again)
  onWebhookNotifications: (notifications) => console.log(`${notifications.length} change events from Prove`),
  // The verdict, once per flow (see onVerified below): trust this, not the browser's event.
  onVerified: (result) => console.log(`flow ${result.flowId}: ${result.success ? 'verified' : 'not verified'}`),
  allowOtpRetry: true, // Prove's default is false
  trustProxy: 1, // proxies of yours that add X-Forwarded-For
  log: console.warn, // the default: a line per refusal, "prove-verify 403 forbidden_origin POST /api/verify"; false for none
});
// prove.handle(request, { clientAddress }?) => Promise<Response>: mount it for every method of
// /verify, /verify-status and /webhook (or call prove.verify, prove.verifyStatus, prove.webhook).
