/**
 * A small client for the emulator, for tests and scripts: the server-API calls an integrator's
 * backend makes, plus the inbox. Answers come back raw (status + parsed body) so callers can
 * assert on errors as well as on success.
 */
export interface RawAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer<T>(response: Response): Promise<RawAnswer<T>> {
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (the link pages): keep the text.
  }
  return { status: response.status, headers: response.headers, body };
}

export interface StartedFlow {
  authToken: string;
  correlationId: string;
}

export class SandboxClient {
  private accessToken?: string;

  constructor(
    readonly baseUrl: string,
    private readonly clientId = 'demo-client-id',
    private readonly clientSecret = 'demo-client-secret',
  ) {}

  async token(clientId = this.clientId, clientSecret = this.clientSecret): Promise<RawAnswer> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    return answer(
      await fetch(`${this.baseUrl}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      }),
    );
  }

  /** Forget the cached access token (after a test moves the emulator's clock past its expiry). */
  resetToken(): void {
    this.accessToken = undefined;
  }

  async bearer(): Promise<string> {
    if (!this.accessToken) {
      const granted = await this.token();
      if (granted.status !== 200) throw new Error(`token grant failed: ${granted.status}`);
      this.accessToken = granted.body.access_token as string;
    }
    return this.accessToken;
  }

  async post(
    path: string,
    body: unknown,
    bearer?: string | null,
    headers: Record<string, string> = {},
  ): Promise<RawAnswer> {
    const auth: Record<string, string> =
      bearer === null ? {} : { Authorization: `Bearer ${bearer ?? (await this.bearer())}` };
    return answer(
      await fetch(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...auth, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  }

  verify(body: Record<string, unknown>, bearer?: string | null): Promise<RawAnswer> {
    return this.post('/v3/verify', body, bearer);
  }

  async startFlow(body: Record<string, unknown>): Promise<StartedFlow> {
    const started = await this.verify(body);
    if (started.status !== 200) throw new Error(`verify failed: ${started.status} ${JSON.stringify(started.body)}`);
    return { authToken: started.body.authToken, correlationId: started.body.correlationId };
  }

  verifyStatus(correlationId: string, bearer?: string | null): Promise<RawAnswer> {
    return this.post('/v3/verify-status', { correlationId }, bearer);
  }

  /** POST /v3/unify (Prove's current contract). */
  unify(body: Record<string, unknown>, bearer?: string | null): Promise<RawAnswer> {
    return this.post('/v3/unify', body, bearer);
  }

  async startUnify(body: Record<string, unknown>): Promise<StartedFlow> {
    const started = await this.unify(body);
    if (started.status !== 200) throw new Error(`unify failed: ${started.status} ${JSON.stringify(started.body)}`);
    return { authToken: started.body.authToken, correlationId: started.body.correlationId };
  }

  unifyStatus(correlationId: string, clientRequestId?: string, bearer?: string | null): Promise<RawAnswer> {
    return this.post('/v3/unify-status', { correlationId, ...(clientRequestId && { clientRequestId }) }, bearer);
  }

  unifyBind(body: Record<string, unknown>, bearer?: string | null): Promise<RawAnswer> {
    return this.post('/v3/unify-bind', body, bearer);
  }

  /** POST /v3/verify with verificationType verifiedUser and the given fields. */
  verifiedUser(body: Record<string, unknown>, bearer?: string | null): Promise<RawAnswer> {
    return this.post('/v3/verify', { verificationType: 'verifiedUser', ...body }, bearer);
  }

  /** A client-API call as the SDK makes it, with the flow's authToken. */
  client(
    path: string,
    authToken: string | null,
    body: unknown = {},
    origin = 'http://localhost:1',
  ): Promise<RawAnswer> {
    return this.post(`/v1/client/${path}`, body, authToken, { Origin: origin });
  }

  async messages(phone: string): Promise<RawAnswer> {
    return answer(await fetch(`${this.baseUrl}/sandbox/messages?phone=${encodeURIComponent(phone)}`));
  }

  async openLink(link: string): Promise<RawAnswer> {
    return answer(await fetch(link, { redirect: 'manual' }));
  }

  /** Arms a fault switch (faults.ts); answers `{armed: [...]}`. */
  async armFault(fault: string, options: { times?: number; retryAfter?: number } = {}): Promise<RawAnswer> {
    return answer(
      await fetch(`${this.baseUrl}/sandbox/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fault, ...options }),
      }),
    );
  }

  async disarmFaults(): Promise<RawAnswer> {
    return answer(await fetch(`${this.baseUrl}/sandbox/faults`, { method: 'DELETE' }));
  }

  async faults(): Promise<RawAnswer<{ armed: string[] }>> {
    return answer(await fetch(`${this.baseUrl}/sandbox/faults`));
  }
}
