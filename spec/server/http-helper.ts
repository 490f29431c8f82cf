/** A small HTTP client for the server specs: node:http with an explicit keep-alive agent. */
import { request as httpRequest, type Agent } from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface HttpCall {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: Agent;
}

/** The Authorization header of a request signed for `service` (signature not checked by the simulator). */
export function signedFor(service: string): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240702/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000`,
  };
}

/**
 * Sends one request to 127.0.0.1:port and reads the whole answer. A body is
 * sent with `Content-Type: application/json`, as the AWS SDKs send it, unless
 * the call names another content type.
 */
export function call(port: number, options: HttpCall): Promise<HttpAnswer> {
  const headers = { ...options.headers };
  const named = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (options.body !== undefined && !named) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
