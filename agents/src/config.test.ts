import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCH, loadAgentConfig, peerServiceFor } from './config.ts';

describe('loadAgentConfig', () => {
  it('uses the spec defaults when nothing is set, exporting to the local collector', () => {
    const { config, problems } = loadAgentConfig({});
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      disabled: false,
      exportTraces: true,
      serviceName: undefined,
      resourceAttributes: {},
      protocol: 'http/protobuf',
      tracesUrl: 'http://127.0.0.1:4318/v1/traces',
      batch: DEFAULT_BATCH,
      logLevel: 'info',
    });
    expect(config.peerServices.size).toBe(0);
  });

  it('reads the estate-style configuration', () => {
    const { config, problems } = loadAgentConfig({
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_BSP_SCHEDULE_DELAY: '500',
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=demo,service.version=2.7.1,deployment.environment.name=demo',
    });
    expect(problems).toEqual([]);
    expect(config.serviceName).toBe('checkout');
    expect(config.tracesUrl).toBe('http://127.0.0.1:4318/v1/traces');
    expect(config.batch.scheduledDelayMillis).toBe(500);
    expect(config.resourceAttributes).toEqual({ 'service.namespace': 'demo', 'service.version': '2.7.1', 'deployment.environment.name': 'demo' });
  });

  it('appends the signal path to the generic endpoint but takes the traces endpoint as given', () => {
    expect(loadAgentConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp/' }).config.tracesUrl).toBe('http://collector:4318/otlp/v1/traces');
    expect(loadAgentConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp' }).config.tracesUrl).toBe('http://collector:4318/otlp/v1/traces');
    expect(
      loadAgentConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom' }).config.tracesUrl,
    ).toBe('http://b:9999/custom');
  });

  it('falls back past a malformed endpoint and names the variable', () => {
    const { config, problems } = loadAgentConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ok:4318' });
    expect(config.tracesUrl).toBe('http://ok:4318/v1/traces');
    expect(problems).toEqual([{ variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', message: '"collector:4318" is not an http:// or https:// URL; ignored' }]);
  });

  it('reports every malformed variable at once and keeps a usable default for each', () => {
    const { config, problems } = loadAgentConfig({
      OTEL_SDK_DISABLED: 'maybe',
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_BSP_MAX_QUEUE_SIZE: '0',
      OTEL_LOG_LEVEL: 'loud',
      OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=demo,oops',
      OTEL_EXPORTER_OTLP_ENDPOINT: '::nope',
    });
    expect(problems.map((p) => p.variable)).toEqual([
      'OTEL_SDK_DISABLED',
      'OTEL_RESOURCE_ATTRIBUTES',
      'OTEL_LOG_LEVEL',
      'OTEL_BSP_SCHEDULE_DELAY',
      'OTEL_BSP_MAX_QUEUE_SIZE',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ]);
    expect(config.disabled).toBe(false);
    expect(config.batch).toEqual(DEFAULT_BATCH);
    expect(config.logLevel).toBe('info');
    expect(config.resourceAttributes).toEqual({ 'service.namespace': 'demo' });
    expect(config.tracesUrl).toBe('http://127.0.0.1:4318/v1/traces');
  });

  it('caps the export batch at the queue size', () => {
    const { config, problems } = loadAgentConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' });
    expect(config.batch.maxExportBatchSize).toBe(100);
    expect(problems[0]?.variable).toBe('OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
  });

  it('honours OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none', () => {
    expect(loadAgentConfig({ OTEL_SDK_DISABLED: 'TRUE' }).config.disabled).toBe(true);
    expect(loadAgentConfig({ OTEL_TRACES_EXPORTER: 'none' }).config.exportTraces).toBe(false);
    const other = loadAgentConfig({ OTEL_TRACES_EXPORTER: 'otlp,zipkin' });
    expect(other.config.exportTraces).toBe(true);
    expect(other.problems).toEqual([{ variable: 'OTEL_TRACES_EXPORTER', message: '"zipkin" not supported by this agent; using "otlp"' }]);
  });

  it('speaks every OTLP protocol of the spec, http/protobuf by default, the traces variable first', () => {
    expect(loadAgentConfig({}).config.protocol).toBe('http/protobuf');
    for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const) {
      const { config, problems } = loadAgentConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
      expect(problems).toEqual([]);
      expect(config.protocol).toBe(protocol);
    }
    expect(loadAgentConfig({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatchObject({
      config: { protocol: 'http/json', tracesUrl: 'http://127.0.0.1:4318/v1/traces' },
      problems: [],
    });
    expect(loadAgentConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: ' GRPC ' }).config.protocol).toBe('grpc');
  });

  it('names the variable and the accepted values when the protocol is unknown, and falls back', () => {
    expect(loadAgentConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http' })).toMatchObject({
      config: { protocol: 'http/protobuf', tracesUrl: 'http://127.0.0.1:4318/v1/traces' },
      problems: [{ variable: 'OTEL_EXPORTER_OTLP_PROTOCOL', message: '"http" is not an OTLP protocol (accepted: http/protobuf, http/json, grpc); using http/protobuf' }],
    });
    // A bad signal-specific value falls through to the generic one.
    expect(loadAgentConfig({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatchObject({
      config: { protocol: 'grpc' },
      problems: [{ variable: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', message: '"grpc/json" is not an OTLP protocol (accepted: http/protobuf, http/json, grpc); using OTEL_EXPORTER_OTLP_PROTOCOL' }],
    });
  });

  it('for grpc sends to host:port with no signal path, defaulting to the gRPC port', () => {
    const grpc = (env: Record<string, string>) => loadAgentConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', ...env });
    expect(grpc({})).toMatchObject({ config: { tracesUrl: 'http://127.0.0.1:4317' }, problems: [] });
    expect(grpc({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' }).config.tracesUrl).toBe('http://collector:4317');
    expect(grpc({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4317/' }).config.tracesUrl).toBe('https://collector:4317');
    // Scheme-less, as Go and the Collector write it: security is OTEL_EXPORTER_OTLP_INSECURE's, read by the exporter.
    expect(grpc({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }).config.tracesUrl).toBe('collector:4317');
    expect(grpc({ OTEL_EXPORTER_OTLP_ENDPOINT: '[::1]:4317' }).config.tracesUrl).toBe('[::1]:4317');
    expect(grpc({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:5317' }).config.tracesUrl).toBe('http://b:5317');
  });

  it('for grpc reports a path (the exporter would drop it) and a malformed endpoint', () => {
    expect(loadAgentConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317/v1/traces' })).toMatchObject({
      config: { tracesUrl: 'http://collector:4317' },
      problems: [{ variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', message: 'a gRPC endpoint has no path; "/v1/traces" is ignored, sending to http://collector:4317' }],
    });
    expect(loadAgentConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x:21', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toMatchObject({
      config: { tracesUrl: 'http://127.0.0.1:4317' },
      problems: [
        { variable: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', message: '"ftp://x:21" is not an http:// or https:// URL; ignored' },
        { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', message: '"collector" is not a host:port or an http:// or https:// URL; using http://127.0.0.1:4317' },
      ],
    });
  });

  it('appends /v1/traces to the generic endpoint for both http protocols', () => {
    for (const protocol of ['http/protobuf', 'http/json']) {
      const env = { OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
      expect(loadAgentConfig(env).config.tracesUrl).toBe('http://collector:4318/v1/traces');
      expect(loadAgentConfig({ ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom' }).config.tracesUrl).toBe('http://b:9999/custom');
    }
  });

  it('treats blank values as unset', () => {
    const { config, problems } = loadAgentConfig({ OTEL_SERVICE_NAME: '  ', OTEL_BSP_SCHEDULE_DELAY: '', OTEL_EXPORTER_OTLP_ENDPOINT: ' ' });
    expect(problems).toEqual([]);
    expect(config.serviceName).toBeUndefined();
    expect(config.tracesUrl).toBe('http://127.0.0.1:4318/v1/traces');
  });
});

describe('peer service mapping', () => {
  const { config, problems } = loadAgentConfig({
    OTEL_INSTRUMENTATION_COMMON_PEER_SERVICE_MAPPING: '127.0.0.1:7110=payment-gateway,api.Example.com=example-api,bad,empty=',
  });

  it('reads host and host:port entries, reporting the malformed ones', () => {
    expect(problems.map((p) => p.message)).toEqual(['"bad" is not key=value; entry skipped', '"empty" maps to an empty name; entry skipped']);
  });

  it('prefers host:port, then host, case-insensitively', () => {
    expect(peerServiceFor(config.peerServices, '127.0.0.1', 7110)).toBe('payment-gateway');
    expect(peerServiceFor(config.peerServices, '127.0.0.1', 7111)).toBeUndefined();
    expect(peerServiceFor(config.peerServices, 'API.example.com', 443)).toBe('example-api');
    expect(peerServiceFor(config.peerServices, 'other', undefined)).toBeUndefined();
  });
});
