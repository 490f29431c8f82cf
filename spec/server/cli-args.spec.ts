import { describe, expect, test } from '@jest/globals';
import { CLI_DEFAULTS, CliUsageError, parseCliArgs } from '../../lib/server/cli-args.js';

describe('parseCliArgs', () => {
  test('defaults', () => {
    expect(parseCliArgs([])).toEqual({
      kind: 'run',
      options: { host: '127.0.0.1', mqttPort: 1883, httpPort: 8080, region: CLI_DEFAULTS.region, accountId: CLI_DEFAULTS.accountId, autoCreateThings: false },
    });
  });

  test('ports, host, region, account, and port 0', () => {
    const argv = ['--host', '0.0.0.0', '--mqtt-port', '0', '--http-port=9000', '--region', 'eu-west-1', '--account-id', '000000000000', '--auto-create-things'];
    expect(parseCliArgs(argv)).toEqual({
      kind: 'run',
      options: { host: '0.0.0.0', mqttPort: 0, httpPort: 9000, region: 'eu-west-1', accountId: '000000000000', autoCreateThings: true },
    });
  });

  test('--attach takes a broker URL and excludes --mqtt-port', () => {
    expect(parseCliArgs(['--attach', 'mqtt://localhost:1884'])).toMatchObject({ kind: 'run', options: { attach: 'mqtt://localhost:1884' } });
    expect(() => parseCliArgs(['--attach', 'mqtt://localhost:1884', '--mqtt-port', '1'])).toThrow(/exclude each other/);
    expect(() => parseCliArgs(['--attach', 'localhost:1884'])).toThrow(/broker URL/);
    expect(() => parseCliArgs(['--attach', 'http://localhost'])).toThrow(/broker URL/);
  });

  test('--deletion-delay-ms sets how long a deleted job stays DELETION_IN_PROGRESS', () => {
    expect(parseCliArgs(['--deletion-delay-ms', '60000'])).toMatchObject({ kind: 'run', options: { deletionDelayMs: 60000 } });
    expect(parseCliArgs(['--deletion-delay-ms=0'])).toMatchObject({ kind: 'run', options: { deletionDelayMs: 0 } });
    for (const bad of ['--deletion-delay-ms=-1', '--deletion-delay-ms=1.5', '--deletion-delay-ms=soon', '--deletion-delay-ms=2147483648']) {
      expect(() => parseCliArgs([bad])).toThrow(/--deletion-delay-ms must be/);
    }
  });

  test('--public-http-url names the URL presigned URLs use', () => {
    expect(parseCliArgs(['--public-http-url', 'http://192.168.1.5:8080/'])).toMatchObject({ kind: 'run', options: { publicHttpUrl: 'http://192.168.1.5:8080' } });
    for (const bad of ['192.168.1.5:8080', 'ftp://host', 'http://host/?q=1']) {
      expect(() => parseCliArgs(['--public-http-url', bad])).toThrow(/--public-http-url must be/);
    }
  });

  test('help and version', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-v'])).toEqual({ kind: 'version' });
  });

  test('bad input is a CliUsageError that says what is wrong', () => {
    for (const [argv, pattern] of [
      [['--http-port', '65536'], /--http-port must be a port/],
      [['--mqtt-port', 'abc'], /--mqtt-port must be a port/],
      [['--mqtt-port', '-1'], /--mqtt-port/],
      [['--nope'], /Unknown option '--nope'/],
      [['extra'], /positional/],
      [['--account-id', '12'], /12 digits/],
      [['--host', ''], /--host/],
    ] as const) {
      let caught: unknown;
      try {
        parseCliArgs(argv);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CliUsageError);
      expect((caught as Error).message).toMatch(pattern);
    }
  });
});
