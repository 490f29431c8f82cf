/** The security and limit flags of aws-iot-jobs-sim. */
import { describe, expect, test } from '@jest/globals';
import { CliUsageError, parseCliArgs, USAGE } from '../../lib/server/cli-args.js';

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('security flags', () => {
  test('TLS files, access control, thing certificates, allowed hosts and origins, limits', () => {
    const argv = [
      '--tls-cert', 'server.pem', '--tls-key', 'server.key', '--tls-ca', 'ca.pem',
      '--access-control', 'thing-policy',
      '--thing-cert', 'dev1=certs/dev1.pem', '--thing-cert', 'dev2=certs/a=b.pem',
      '--allow-host', 'sim.local', '--allow-origin', 'http://localhost:3000', '--allow-origin', 'http://tool.test',
      '--max-payload-bytes', '1024', '--max-outbound-bytes', '65536', '--max-connections', '10',
      '--max-http-connections', '5', '--headers-timeout-ms', '2000',
    ];
    expect(parseCliArgs(argv)).toMatchObject({
      kind: 'run',
      options: {
        tls: { certPath: 'server.pem', keyPath: 'server.key', caPath: 'ca.pem' },
        accessControl: 'thing-policy',
        thingCertificates: [
          { thingName: 'dev1', certPath: 'certs/dev1.pem' },
          { thingName: 'dev2', certPath: 'certs/a=b.pem' },
        ],
        allowedHosts: ['sim.local'],
        allowedOrigins: ['http://localhost:3000', 'http://tool.test'],
        maxPayloadBytes: 1024,
        maxOutboundBytes: 65536,
        maxConnections: 10,
        maxHttpConnections: 5,
        headersTimeoutMs: 2000,
      },
    });
  });

  test('without them, the server defaults apply (no field is set)', () => {
    const parsed = parseCliArgs([]);
    expect(parsed.kind === 'run' && Object.keys(parsed.options).sort()).toEqual(['accountId', 'autoCreateThings', 'host', 'httpPort', 'mqttPort', 'region']);
  });

  test('bad combinations say what is wrong', () => {
    expect(usageError(['--tls-cert', 'a.pem'])).toMatch(/--tls-cert and --tls-key go together/);
    expect(usageError(['--tls-ca', 'ca.pem'])).toMatch(/--tls-ca needs --tls-cert and --tls-key/);
    expect(usageError(['--tls-cert', 'a', '--tls-key', 'b', '--attach', 'mqtt://127.0.0.1:1884'])).toMatch(/exclude each other/);
    expect(usageError(['--access-control', 'thing-policy'])).toMatch(/needs client certificates/);
    expect(usageError(['--tls-cert', 'a', '--tls-key', 'b', '--access-control', 'thing-policy'])).toMatch(/--tls-ca/);
    expect(usageError(['--access-control', 'strict'])).toMatch(/open or thing-policy/);
    expect(usageError(['--thing-cert', 'dev1'])).toMatch(/THING=FILE/);
    expect(usageError(['--max-payload-bytes', '0'])).toMatch(/--max-payload-bytes must be a whole number of at least 1/);
    expect(usageError(['--headers-timeout-ms', '1.5'])).toMatch(/--headers-timeout-ms/);
  });

  test('--help lists every flag with its default', () => {
    for (const flag of ['--tls-cert', '--tls-key', '--tls-ca', '--access-control', '--thing-cert', '--allow-host', '--allow-origin']) expect(USAGE).toContain(flag);
    expect(USAGE).toContain('--max-payload-bytes N     largest MQTT payload (default 131072');
    expect(USAGE).toContain('(default 8388608)');
    expect(USAGE).toContain('concurrent MQTT connections (default 1000)');
    expect(USAGE).toContain('concurrent HTTP connections (default 256)');
    expect(USAGE).toContain('(default 10000)');
  });
});
