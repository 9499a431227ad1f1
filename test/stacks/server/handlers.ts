// README "Your backend: prove-verify-server", block 1
import { createProveVerifyHandlers } from 'prove-verify-server';

/** A setting from the environment: without it the server stops at start, not at someone's first verification. */
function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export const prove = createProveVerifyHandlers({
  prove: { baseUrl: 'https://platform.uat.proveapis.com', clientId: setting('PROVE_CLIENT_ID'), clientSecret: setting('PROVE_CLIENT_SECRET') },
  finalTarget: { landingUrl: 'https://shop.example/link-opened.html' }, // allowedOrigins: [...] for others
  pageOrigins: ['https://shop.example'], // the pages whose requests are answered
  webhookSecret: process.env.PROVE_WEBHOOK_SECRET,
  // Prove's change events, checked and each token taken once (Prove may deliver an event again)
  onWebhookNotifications: (notifications) => console.log(`${notifications.length} change events from Prove`),
  allowOtpRetry: true, // Prove's default is false
  trustProxy: 1, // proxies of yours that add X-Forwarded-For
});
// prove.verify, prove.verifyStatus, prove.webhook: (request, { clientAddress }?) => Promise<Response>
