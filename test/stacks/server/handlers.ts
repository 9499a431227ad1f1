// docs/server.md "prove-verify-server", block 1
import { createProveVerifyHandlers, proveFromEnv } from 'prove-verify-server';

// Every setting is checked here: one that cannot work (a PROVE_CLIENT_ID not set, a pageOrigins
// typo) stops the server at start with a ConfigError naming it, not at someone's first verification.
export const prove = createProveVerifyHandlers({
  prove: proveFromEnv(process.env), // PROVE_CLIENT_ID, PROVE_CLIENT_SECRET; PROVE_ENV: uat-us (default), prod-us, uat-eu, prod-eu
  finalTarget: { landingUrl: 'https://shop.example/link-opened.html' }, // allowedUrls: other pages a page may ask for (exact, or a prefix ending in /)
  pageOrigins: ['https://shop.example'], // the pages whose requests are answered
  webhookSecret: process.env.PROVE_WEBHOOK_SECRET, // the Prove Portal's, to check Prove's webhooks; left out, each is refused
  // Prove's change events, checked and each token taken once (Prove may deliver an event again)
  onWebhookNotifications: (notifications) => console.log(`${notifications.length} change events from Prove`),
  // The verdict, once per flow (see onVerified below): trust this, not the browser's event.
  onVerified: (result) => console.log(`flow ${result.flowId}: ${result.success ? 'verified' : 'not verified'}`),
  allowOtpRetry: true, // a mistyped code may be typed again (Prove's default, false, ends possession at the first wrong code)
  // trustProxy: ['10.0.0.0/8'], // only behind proxies of yours: their addresses or CIDRs, so X-Forwarded-For is read
  log: console.warn, // the default: a line per refusal, "prove-verify 403 forbidden_origin POST /api/verify"; false for none
});
// prove.handle(request, { clientAddress }) => Promise<Response>, clientAddress being the connection's peer
// address, which the per-address budgets count: mount it for every method of /verify, /verify-status and
// /webhook (or call prove.verify, prove.verifyStatus, prove.webhook).
