/**
 * Who a request comes from, as the budgets count it: the keys of an address (its /64 and /48, its
 * /24), the walk through X-Forwarded-For from the proxies the integrator names, the platform's own
 * header, and the one warning when nothing says who the client is.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { trustProxyFrom } from '../../demo/server/app/config.js';
import { addressKey, addressKeys, clientAddressReader, NO_CLIENT_ADDRESS } from '../../src/server/client-address.js';
import {
  createProveVerifyHandlers,
  memoryBudgetStore,
  NO_LIMITS,
  type BudgetStore,
  type ProveVerifyHandlers,
  type ProveVerifyOptions,
} from '../../src/server/index.js';
import { ADDY, startStubProve, type StubProve } from './app-helpers.js';

describe('the keys of an address', () => {
  test('IPv4 as is and by its /24; IPv4-mapped IPv6 as IPv4', () => {
    assert.deepEqual(addressKeys('203.0.113.7'), { address: '203.0.113.7', network: '203.0.113.0/24' });
    assert.deepEqual(addressKeys('::ffff:203.0.113.7'), { address: '203.0.113.7', network: '203.0.113.0/24' });
    assert.deepEqual(
      addressKeys('::FFFF:cb00:7107'),
      { address: '203.0.113.7', network: '203.0.113.0/24' },
      'the hex spelling too',
    );
    assert.deepEqual(addressKeys('[::ffff:127.0.0.1]'), { address: '127.0.0.1', network: '127.0.0.0/24' });
  });

  test('IPv6 by its /64 and its /48, however it is spelt', () => {
    assert.deepEqual(addressKeys('2001:db8:1:2:aaaa::1'), { address: '2001:db8:1:2::/64', network: '2001:db8:1::/48' });
    assert.deepEqual(addressKeys('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), {
      address: '2001:db8:1:2::/64',
      network: '2001:db8:1::/48',
    });
    assert.deepEqual(
      addressKeys('2001:db8:1:ff00::9'),
      { address: '2001:db8:1:ff00::/64', network: '2001:db8:1::/48' },
      'another /64, the same /48',
    );
    assert.notEqual(addressKeys('2001:db8:2::1').network, addressKeys('2001:db8:1::1').network);
    assert.deepEqual(addressKeys('::1'), { address: '0:0:0:0::/64', network: '0:0:0::/48' });
    assert.deepEqual(addressKeys('fe80::1%eth0'), { address: 'fe80:0:0:0::/64', network: 'fe80:0:0::/48' });
    assert.deepEqual(
      addressKeys('64:ff9b::192.0.2.1'),
      { address: '64:ff9b:0:0::/64', network: '64:ff9b:0::/48' },
      'a dotted tail',
    );
  });

  test('a key gives the keys of its addresses', () => {
    assert.deepEqual(addressKeys(addressKey('2001:db8:1:2::77')), addressKeys('2001:db8:1:2::77'));
    assert.deepEqual(addressKeys(addressKey('198.51.100.4')), addressKeys('198.51.100.4'));
    assert.deepEqual(addressKeys(addressKey('not an address')), addressKeys('not an address'));
  });

  test('anything else: one bounded "?" key for both', () => {
    assert.deepEqual(addressKeys('not an address'), { address: '?not an address', network: '?not an address' });
    for (const odd of ['256.1.1.1', '01.2.3.4', '1.2.3', '2001:db8::1::2', 'unknown', 'x'.repeat(500)]) {
      const keys = addressKeys(odd);
      assert.ok(keys.address.startsWith('?') && keys.address.length <= 65, odd);
      assert.equal(keys.network, keys.address, odd);
    }
  });
});

describe('the client of a request', () => {
  const headers = (forwarded?: string, more: Record<string, string> = {}) =>
    new Headers({ ...(forwarded === undefined ? {} : { 'X-Forwarded-For': forwarded }), ...more });

  test('no trustProxy: the peer, whatever X-Forwarded-For says', () => {
    const read = clientAddressReader();
    // A client rotating the header on each request, as the attack did: every one is the peer.
    const seen = new Set(Array.from({ length: 50 }, (_, i) => read(headers(`198.51.100.${i}`), '203.0.113.9')));
    assert.deepEqual([...seen], ['203.0.113.9']);
    assert.equal(read(headers('198.51.100.1'), undefined), undefined, 'no peer: nobody says who the client is');
  });

  test('from the peer leftwards while the hop is a proxy of ours; the first other address is the client', () => {
    const read = clientAddressReader({ trustProxy: ['10.0.0.0/8', '192.168.1.1'] });
    assert.equal(read(headers('198.51.100.7'), '10.0.0.2'), '198.51.100.7');
    assert.equal(
      read(headers('6.6.6.6, 198.51.100.7, 192.168.1.1, 10.9.9.9'), '10.0.0.2'),
      '198.51.100.7',
      'what the client wrote is left of it',
    );
    assert.equal(read(headers('6.6.6.6'), '203.0.113.9'), '203.0.113.9', 'an untrusted peer: the header is not read');
    assert.equal(read(headers('10.1.1.1, 192.168.1.1'), '10.0.0.2'), '10.1.1.1', 'all ours: the farthest');
    assert.equal(read(headers(), '10.0.0.2'), '10.0.0.2', 'no header: the proxy itself');
    assert.equal(
      read(headers(' 198.51.100.7 ,, '), '::ffff:10.0.0.2'),
      '198.51.100.7',
      'an IPv4-mapped peer; empty entries skipped',
    );
    assert.equal(read(headers('198.51.100.7'), undefined), undefined, 'no peer: no proxy of ours to trust');
    const rotating = new Set(
      Array.from({ length: 20 }, (_, i) => read(headers(`198.51.100.${i}, 203.0.113.9`), '10.0.0.2')),
    );
    assert.deepEqual([...rotating], ['203.0.113.9'], 'a rotating header left of the last proxy changes nothing');
  });

  test('IPv6 proxies and ranges, and an IPv4 range as IPv4-mapped IPv6', () => {
    const read = clientAddressReader({ trustProxy: ['::1', 'fd00::/8', '2001:db8:ab::/48', '172.16.0.0/12'] });
    assert.equal(read(headers('2001:db8:1::5'), '::1'), '2001:db8:1::5');
    assert.equal(read(headers('2001:db8:1::5, fd12:3456::1'), '[fd00::1]'), '2001:db8:1::5');
    assert.equal(read(headers('2001:db8:1::5, 2001:db8:ab:ffff::1'), 'fdff::1'), '2001:db8:1::5');
    assert.equal(read(headers('2001:db8:1::5'), '2001:db8:ac::1'), '2001:db8:ac::1', 'outside the /48');
    assert.equal(read(headers('2001:db8:1::5'), 'fe00::1'), 'fe00::1', 'outside the /8');
    assert.equal(read(headers('198.51.100.7'), '::ffff:172.31.255.255'), '198.51.100.7');
    assert.equal(read(headers('198.51.100.7'), '172.32.0.1'), '172.32.0.1', 'outside the /12');
    assert.equal(read(headers('198.51.100.7'), '::2'), '::2');
  });

  test('CIDR edges: /0, /32, /128, and a prefix that does not end on a byte', () => {
    assert.equal(
      clientAddressReader({ trustProxy: ['0.0.0.0/0'] })(headers('198.51.100.7, 203.0.113.1'), '9.9.9.9'),
      '198.51.100.7',
    );
    assert.equal(
      clientAddressReader({ trustProxy: ['0.0.0.0/0'] })(headers('2001:db8::1'), '2001:db8::2'),
      '2001:db8::2',
      'an IPv4 /0 holds no IPv6',
    );
    assert.equal(clientAddressReader({ trustProxy: ['10.0.0.1/32'] })(headers('6.6.6.6'), '10.0.0.2'), '10.0.0.2');
    const read = clientAddressReader({ trustProxy: ['10.0.0.64/26', '2001:db8::/127'] });
    assert.equal(read(headers('6.6.6.6'), '10.0.0.127'), '6.6.6.6');
    assert.equal(read(headers('6.6.6.6'), '10.0.0.128'), '10.0.0.128');
    assert.equal(read(headers('6.6.6.6'), '10.0.0.63'), '10.0.0.63');
    assert.equal(read(headers('6.6.6.6'), '2001:db8::1'), '6.6.6.6');
    assert.equal(read(headers('6.6.6.6'), '2001:db8::2'), '2001:db8::2');
  });

  test("clientAddressHeader: the platform's header when it is there, else the peer", () => {
    const read = clientAddressReader({ clientAddressHeader: 'x-real-ip' });
    assert.equal(read(headers('6.6.6.6', { 'X-Real-IP': ' 198.51.100.7 ' }), undefined), '198.51.100.7');
    assert.equal(read(headers('6.6.6.6'), '203.0.113.9'), '203.0.113.9');
    assert.equal(read(headers('6.6.6.6'), undefined), undefined);
    assert.equal(
      clientAddressReader()(headers(undefined, { 'X-Real-IP': '198.51.100.7' }), '203.0.113.9'),
      '203.0.113.9',
      'only when set',
    );
  });
});

describe('through the handlers', () => {
  const SITE = 'https://shop.example';
  let stub: StubProve;
  const made: ProveVerifyHandlers[] = [];
  const logged: string[] = [];
  /** Every key a budget is asked about, whatever the budget or the question. */
  const keys: string[] = [];
  const recording: BudgetStore = (spec) =>
    new Proxy(memoryBudgetStore(spec), {
      get: (counter, name, receiver) => {
        const value: unknown = Reflect.get(counter, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (typeof args[0] === 'string') keys.push(args[0]);
          return (value as (...args: unknown[]) => unknown).apply(counter, args);
        };
      },
    });

  function handlers(options: Partial<ProveVerifyOptions> = {}): ProveVerifyHandlers {
    const created = createProveVerifyHandlers({
      prove: { baseUrl: stub.url, clientId: 'id', clientSecret: 'secret' },
      finalTarget: { landingUrl: `${SITE}/link-opened.html` },
      pageOrigins: [SITE],
      limits: NO_LIMITS,
      budgetStore: recording,
      log: (line) => logged.push(line),
      ...options,
    });
    made.push(created);
    return created;
  }
  const start = (headers: Record<string, string> = {}) =>
    new Request(`${SITE}/verify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE, ...headers },
      body: JSON.stringify(ADDY),
    });

  before(async () => {
    stub = await startStubProve();
  });
  beforeEach(() => {
    logged.length = 0;
    keys.length = 0;
  });
  after(async () => {
    await Promise.all(made.map((h) => h.close()));
    await stub.close();
  });

  test('the budgets count the client the settings find', async () => {
    // The default budgets: each of these handlers starts once.
    const budgeted = { limits: undefined };
    await handlers(budgeted).verify(start({ 'X-Forwarded-For': '198.51.100.7' }), { clientAddress: '203.0.113.9' });
    await handlers({ ...budgeted, trustProxy: ['10.0.0.0/8'] }).verify(start({ 'X-Forwarded-For': '198.51.100.8' }), {
      clientAddress: '10.0.0.2',
    });
    await handlers({ ...budgeted, clientAddressHeader: 'cf-connecting-ip' }).verify(
      start({ 'CF-Connecting-IP': '2001:db8:1:2::5' }),
    );
    const counted = (text: string) => keys.some((key) => key.includes(text));
    assert.ok(counted('203.0.113.9') && counted('198.51.100.8') && counted('2001:db8:1:2::/64'), keys.join(' '));
    assert.ok(!counted('198.51.100.7') && !counted('10.0.0.2'), keys.join(' '));
  });

  test('a request with no client address is said once in the log, with how to fix it', async () => {
    const h = handlers({ clientAddressHeader: 'x-real-ip' });
    assert.equal((await h.verify(start())).status, 200);
    assert.deepEqual(logged, [NO_CLIENT_ADDRESS]);
    assert.match(NO_CLIENT_ADDRESS, /every client counts as one address.*clientAddress.*clientAddressHeader/);
    await h.verify(start());
    await h.verify(start({ 'X-Real-IP': '198.51.100.7' }));
    assert.deepEqual(logged, [NO_CLIENT_ADDRESS], 'once');
    await handlers().verify(start(), { clientAddress: '203.0.113.9' });
    assert.deepEqual(logged, [NO_CLIENT_ADDRESS], 'not for a request that has one');
  });
});

describe("the demo's TRUST_PROXY", () => {
  test('comma-separated addresses or CIDR ranges; unset, none', () => {
    assert.deepEqual(trustProxyFrom({ TRUST_PROXY: ' 10.0.0.0/8, ::1,fd00::/8 ,' }), ['10.0.0.0/8', '::1', 'fd00::/8']);
    assert.deepEqual(trustProxyFrom({}), []);
    assert.deepEqual(trustProxyFrom({ TRUST_PROXY: ' ' }), []);
  });

  test('a count (the old hop count) or something that is no range stops the app, saying what to write', () => {
    for (const [value, message] of [
      [
        '1',
        /^TRUST_PROXY=1 is a count: list your proxies' addresses or CIDR ranges, comma-separated \(TRUST_PROXY=10\.0\.0\.0\/8,::1\)/,
      ],
      ['0', /^TRUST_PROXY=0 is a count/],
      ['10.0.0.0/8,proxy.internal', /^TRUST_PROXY: "proxy\.internal" is not an IP address or CIDR range/],
      ['10.0.0.0/40', /^TRUST_PROXY: "10\.0\.0\.0\/40" is not/],
    ] as const) {
      assert.throws(
        () => trustProxyFrom({ TRUST_PROXY: value }),
        (error: Error) => error.name === 'ConfigError' && message.test(error.message),
        value,
      );
    }
  });
});
