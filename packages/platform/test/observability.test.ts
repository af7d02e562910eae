import { EnvReader } from '../src/config';
import { createLogger } from '../src/logger';
import { readObservabilityConfig } from '../src/observability/config';
import { clientOperationName, outcomeOf } from '../src/observability/graphql-plugin';
import { ServiceMetrics } from '../src/observability/metrics';
import { scrubText, scrubValue } from '../src/observability/scrub';
import { scrubBreadcrumb, scrubEvent } from '../src/observability/sentry';
import { formatTraceparent, incomingTrace, parseTraceparent, toSentryTrace } from '../src/observability/trace-context';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('W3C traceparent', () => {
  test('parses a valid header, sampled or not', () => {
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-01`)).toEqual({ traceId: TRACE, parentId: PARENT, sampled: true });
    expect(parseTraceparent(`00-${TRACE}-${PARENT}-00`)?.sampled).toBe(false);
    expect(parseTraceparent(` 00-${TRACE.toUpperCase()}-${PARENT}-01 `)?.traceId).toBe(TRACE);
    // A later version may append fields.
    expect(parseTraceparent(`01-${TRACE}-${PARENT}-01-extra`)?.traceId).toBe(TRACE);
  });

  test.each([
    ['missing', undefined],
    ['garbage', 'not-a-traceparent'],
    ['version ff', `ff-${TRACE}-${PARENT}-01`],
    ['zero trace id', `00-${'0'.repeat(32)}-${PARENT}-01`],
    ['zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['extra field in version 00', `00-${TRACE}-${PARENT}-01-extra`],
    ['short trace id', `00-${TRACE.slice(1)}-${PARENT}-01`],
  ])('ignores an invalid header (%s)', (_label, header) => {
    expect(parseTraceparent(header)).toBeNull();
  });

  test('formats one', () => {
    expect(formatTraceparent(TRACE, PARENT, true)).toBe(`00-${TRACE}-${PARENT}-01`);
    expect(formatTraceparent(TRACE, PARENT, false)).toBe(`00-${TRACE}-${PARENT}-00`);
  });

  test('at the edge a bare traceparent gives the trace id, not the sampling decision; inside it does', () => {
    const headers = { traceparent: `00-${TRACE}-${PARENT}-01` };
    expect(incomingTrace(headers, { trustSampledFlag: false })).toMatchObject({ traceId: TRACE, parentSpanId: PARENT, sampled: undefined });
    expect(incomingTrace(headers, { trustSampledFlag: true })).toMatchObject({ sampled: true });
    // An unsampled caller leaves the decision to this service.
    expect(incomingTrace({ traceparent: `00-${TRACE}-${PARENT}-00` }, { trustSampledFlag: true })?.sampled).toBeUndefined();
    expect(toSentryTrace(incomingTrace(headers, { trustSampledFlag: false })!)).toBe(`${TRACE}-${PARENT}`);
    expect(toSentryTrace(incomingTrace(headers, { trustSampledFlag: true })!)).toBe(`${TRACE}-${PARENT}-1`);
    expect(incomingTrace({}, { trustSampledFlag: true })).toBeNull();
  });

  test("Sentry's own header wins on the same trace (it carries the sampling decision), not on another", () => {
    const sentrySpan = 'aaaaaaaaaaaaaaaa';
    const same = incomingTrace(
      { traceparent: `00-${TRACE}-${PARENT}-01`, 'sentry-trace': `${TRACE}-${sentrySpan}-0`, baggage: 'sentry-sample_rate=0.1' },
      { trustSampledFlag: true },
    );
    expect(same).toEqual({ traceId: TRACE, parentSpanId: sentrySpan, sampled: false, baggage: 'sentry-sample_rate=0.1' });
    const other = incomingTrace(
      { traceparent: `00-${TRACE}-${PARENT}-01`, 'sentry-trace': `${'b'.repeat(32)}-${sentrySpan}-1`, baggage: 'x' },
      { trustSampledFlag: true },
    );
    expect(other).toMatchObject({ traceId: TRACE, baggage: undefined });
  });
});

describe('scrubbing', () => {
  test('masks emails and E.164 phone numbers in text', () => {
    expect(scrubText('Key (tenant_id, email)=(acme, Ada.L+news@Example.co.uk) already exists')).toBe(
      'Key (tenant_id, email)=(acme, [email]) already exists',
    );
    expect(scrubText('call +44 20 7946 0958 or +442079460958')).toBe('call [phone] or [phone]');
    expect(scrubText('2026-11-24 id 0193a1b2-7c3d-7e4f @reservations/platform 1 + 2')).toBe(
      '2026-11-24 id 0193a1b2-7c3d-7e4f @reservations/platform 1 + 2',
    );
  });

  test('filters sensitive keys at any depth, dotted attribute names included', () => {
    expect(
      scrubValue({
        headers: { authorization: 'Bearer x', Cookie: 'a=b', 'x-gateway-signature': 's', accept: '*/*' },
        input: { email: 'a@b.io', name: 'Ada' },
        'http.request.header.authorization': ['Bearer y'],
        list: ['c@d.io'],
      }),
    ).toEqual({
      headers: { authorization: '[Filtered]', Cookie: '[Filtered]', 'x-gateway-signature': '[Filtered]', accept: '*/*' },
      input: { email: '[Filtered]', name: 'Ada' },
      'http.request.header.authorization': '[Filtered]',
      list: ['[email]'],
    });
  });

  test('an error event keeps no request body, query string, cookies, IP or personal data', () => {
    const event = scrubEvent({
      type: undefined,
      message: 'failed for a@b.io',
      request: {
        url: 'http://gw/graphql?variables={"email":"a@b.io"}',
        data: '{"email":"a@b.io"}',
        query_string: 'variables=...',
        cookies: { session: 'x' },
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      },
      user: { ip_address: '10.0.0.1', email: 'a@b.io' },
      exception: { values: [{ type: 'Error', value: 'duplicate a@b.io' }] },
    });
    expect(event.request).toEqual({ url: 'http://gw/graphql', headers: { authorization: '[Filtered]', 'content-type': 'application/json' } });
    expect(event.user).toEqual({});
    expect(JSON.stringify(event)).not.toContain('a@b.io');
  });

  test('a breadcrumb loses its URL query and personal data', () => {
    expect(scrubBreadcrumb({ category: 'http', message: 'to a@b.io', data: { url: 'http://x/graphql?q=1', email: 'a@b.io' } })).toEqual({
      category: 'http',
      message: 'to [email]',
      data: { url: 'http://x/graphql', email: '[Filtered]' },
    });
  });

  test('logs redact credentials and personal data, including inside errors', () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'info', { write: (line: string) => void lines.push(line) });
    const error = Object.assign(new Error('duplicate key for ada@example.com'), { detail: 'Key (email)=(ada@example.com) exists' });
    logger.warn(
      {
        headers: { authorization: 'Bearer secret-token', cookie: 'session=secret-cookie', 'x-gateway-signature': 'sig-secret' },
        input: { email: 'ada@example.com', phone: '+442079460958' },
        err: error,
      },
      'something failed',
    );
    const [line] = lines;
    for (const secret of ['secret-token', 'secret-cookie', 'sig-secret', 'ada@example.com', '+442079460958']) expect(line).not.toContain(secret);
    expect(JSON.parse(line!)).toMatchObject({
      msg: 'something failed',
      headers: { authorization: '[Redacted]' },
      err: { message: 'duplicate key for [email]' },
    });
  });
});

describe('request outcome and labels', () => {
  test('only client-caused codes make a client error', () => {
    expect(outcomeOf([])).toBe('success');
    expect(
      outcomeOf([
        { message: 'x', extensions: { code: 'BAD_USER_INPUT' } },
        { message: 'y', extensions: { code: 'NOT_FOUND' } },
      ]),
    ).toBe('client_error');
    expect(
      outcomeOf([
        { message: 'x', extensions: { code: 'BAD_USER_INPUT' } },
        { message: 'y', extensions: { code: 'SERVICE_UNAVAILABLE' } },
      ]),
    ).toBe('server_error');
    expect(outcomeOf([{ message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } }])).toBe('server_error');
    expect(outcomeOf([{ message: 'no code' }])).toBe('server_error');
  });

  test('operation names are bounded: clients cannot grow the label set without limit', () => {
    const metrics = new ServiceMetrics('test');
    expect(metrics.operationLabel(null, false)).toBe('unresolved');
    expect(metrics.operationLabel(null, true)).toBe('anonymous');
    for (let i = 0; i < 100; i++) expect(metrics.operationLabel(`Op${i}`, true)).toBe(`Op${i}`);
    expect(metrics.operationLabel('OneTooMany', true)).toBe('other');
    expect(metrics.operationLabel('Op7', true)).toBe('Op7');
  });

  test("a subgraph sees the gateway's fetch names as the client's operation", () => {
    expect(clientOperationName('customer')('AddCustomer__customer__0')).toBe('AddCustomer');
    expect(clientOperationName('reservation')('Deep__Name__reservation__12')).toBe('Deep__Name');
    expect(clientOperationName('reservation')('AddCustomer__customer__0')).toBe('AddCustomer__customer__0');
    expect(clientOperationName('customer')('Plain')).toBe('Plain');
    expect(clientOperationName(undefined)('Plain')).toBe('Plain');
  });
});

describe('configuration', () => {
  const read = (env: Record<string, string>) => {
    const reader = new EnvReader(env);
    const config = readObservabilityConfig(reader);
    reader.done();
    return config;
  };

  test('defaults: no Sentry, metrics on and open to anyone who reaches the port', () => {
    expect(read({})).toEqual({ sentry: null, metricsEnabled: true, metricsToken: null });
  });

  test('METRICS_TOKEN protects /metrics; a short one is refused by name', () => {
    expect(read({ METRICS_TOKEN: ' scrape-token-0123456789 ' }).metricsToken).toBe('scrape-token-0123456789');
    expect(() => read({ METRICS_TOKEN: 'short-token' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
  });

  test('Sentry with a DSN, sample rate 0.1, environment from NODE_ENV, no profiling', () => {
    expect(read({ SENTRY_DSN: 'https://abc@o1.ingest.sentry.io/42', NODE_ENV: 'production' }).sentry).toEqual({
      dsn: 'https://abc@o1.ingest.sentry.io/42',
      environment: 'production',
      release: null,
      tracesSampleRate: 0.1,
      profileSessionSampleRate: 0,
    });
    expect(read({ SENTRY_DSN: 'https://abc@o1.ingest.sentry.io/42', SENTRY_ENABLED: 'false' }).sentry).toBeNull();
    expect(read({ METRICS_ENABLED: 'false' }).metricsEnabled).toBe(false);
  });

  test('every invalid value is reported', () => {
    expect(() => read({ SENTRY_DSN: 'https://sentry.io/', SENTRY_TRACES_SAMPLE_RATE: '2', SENTRY_PROFILE_SESSION_SAMPLE_RATE: 'x' })).toThrow(
      /SENTRY_DSN[\s\S]*SENTRY_TRACES_SAMPLE_RATE[\s\S]*SENTRY_PROFILE_SESSION_SAMPLE_RATE/,
    );
  });
});
