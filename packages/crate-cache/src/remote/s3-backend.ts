import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { RemoteError, type CreateBody, type RemoteBackend, type RemoteObject } from './backend.js';
import type { S3Location } from './config.js';

// The SDK warns on Node < 22 through process.emitWarning; in the in-process wrapper that line would land in cargo's rustc output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The SDK takes ~200 ms to load: only a process that talks to S3 pays for it, once. */
let sdk: Promise<typeof import('@aws-sdk/client-s3')> | undefined;
const loadSdk = () => (sdk ??= import('@aws-sdk/client-s3'));

/** Names the SDK and S3-compatible servers give a missing object. */
const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchObject']);

/**
 * S3 through @aws-sdk/client-s3: AWS, or any S3-compatible server at a
 * custom endpoint. Creation is a conditional PUT (`If-None-Match: *`): the
 * server refuses to replace an existing object (412, or 409 when another
 * write of the same name is in flight).
 */
export class S3Backend implements RemoteBackend {
  private client?: Promise<S3Client>;

  constructor(
    private readonly location: S3Location,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async list(prefix: string, limit: number): Promise<RemoteObject[]> {
    const { ListObjectsV2Command } = await loadSdk();
    const response = await this.call('list', prefix, async () => (await this.s3()).send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.key(prefix), MaxKeys: 1000 })));
    const objects = (response.Contents ?? [])
      .filter((object) => object.Key !== undefined)
      .map((object) => ({ name: (object.Key as string).slice(this.prefix.length), modified: object.LastModified?.getTime() ?? 0 }));
    return objects.sort((a, b) => b.modified - a.modified).slice(0, limit);
  }

  async read(name: string): Promise<Buffer | undefined> {
    return this.call('read', name, async () => {
      const response = await this.get(name);
      return response && Buffer.from(await response.transformToByteArray());
    });
  }

  async openRead(name: string): Promise<AsyncIterable<Buffer> | undefined> {
    const body = await this.call('read', name, async () => (await this.get(name)) as (Readable & AsyncIterable<Buffer>) | undefined);
    // The body's own errors (a broken or stalled transfer) surface while the caller iterates it; one
    // that comes before the caller starts must not be an unhandled 'error' event that ends the process.
    body?.on('error', () => undefined);
    return body;
  }

  async exists(name: string): Promise<boolean> {
    const { HeadObjectCommand } = await loadSdk();
    return this.call('check', name, async () => {
      try {
        await (await this.s3()).send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.key(name) }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  }

  async create(name: string, body: CreateBody): Promise<'created' | 'exists'> {
    const { PutObjectCommand } = await loadSdk();
    return this.call('write', name, async () => {
      const payload = 'data' in body ? { Body: body.data, ContentLength: body.data.length } : { Body: createReadStream(body.file), ContentLength: body.size };
      try {
        await (await this.s3()).send(new PutObjectCommand({ Bucket: this.location.bucket, Key: this.key(name), IfNoneMatch: '*', ...payload }));
        return 'created';
      } catch (error) {
        const status = statusOf(error);
        if (status === 412 || status === 409) return 'exists';
        throw error;
      }
    });
  }

  private async get(name: string) {
    const { GetObjectCommand } = await loadSdk();
    try {
      const response = await (await this.s3()).send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(name) }));
      return response.Body;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private s3(): Promise<S3Client> {
    return (this.client ??= loadSdk().then(({ S3Client }) => new S3Client(clientConfig(this.location, this.timeoutMs, this.env))));
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private async call<T>(operation: string, name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new RemoteError(operation, `s3://${this.location.bucket}/${this.key(name)}`, describeS3Error(error), { cause: error });
    }
  }
}

/**
 * Credentials: keys in the build's environment are used as given (the cache
 * server that makes these calls may have been started by an earlier build
 * with other variables); otherwise the SDK's standard chain (profile, web
 * identity, container and instance roles).
 */
function clientConfig(location: S3Location, timeoutMs: number, env: NodeJS.ProcessEnv): S3ClientConfig {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken, AWS_PROFILE: profile } = env;
  return {
    region: location.region,
    endpoint: location.endpoint,
    forcePathStyle: location.pathStyle,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey, sessionToken } : undefined,
    profile,
    // One retry: a remote that fails twice is treated as a miss, which costs less than waiting.
    maxAttempts: 2,
    // Blobs are checked against their blake3 from the signed record; CRC trailers are not understood by every S3-compatible server.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: timeoutMs, socketTimeout: timeoutMs },
  };
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404 || NOT_FOUND.has((error as Error)?.name);
}

/** HTTP status and code when the server answered; the transport's own message (refused, timed out) when not. */
export function describeS3Error(error: unknown): string {
  const status = statusOf(error);
  const name = (error as Error)?.name;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (status !== undefined && status >= 300) return `HTTP ${status}${name && name !== 'Unknown' && !/^\d+$/.test(name) ? ` ${name}` : ''}`;
  const message = (error as Error)?.message ?? String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
