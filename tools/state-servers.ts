/**
 * Local stand-ins for the remote state backend: s3rver (S3) and dynalite (DynamoDB) on free
 * loopback ports, with the state bucket and the lock table created, as the bootstrap stack would
 * in AWS. Terraform's S3 backend and its DynamoDB locking run against them unchanged.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";

/* eslint-disable @typescript-eslint/no-require-imports */
const S3rver = require("s3rver");
const dynalite = require("dynalite");

export interface StateServers {
  readonly s3Endpoint: string;
  readonly dynamodbEndpoint: string;
  /** Stops both servers and removes s3rver's data directory. */
  stop(): Promise<void>;
}

/** DynamoDB JSON API call (dynalite does not check signatures, but wants the headers). */
function dynamodbCall(endpoint: string, target: string, body: unknown): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      endpoint,
      {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.0",
          "X-Amz-Target": `DynamoDB_20120810.${target}`,
          Authorization:
            "AWS4-HMAC-SHA256 Credential=S3RVER/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
          "X-Amz-Date": "20250101T000000Z",
          "Content-Length": Buffer.byteLength(payload),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

/** Reads the lock table's items (the harness uses it to show a lock is held). */
export async function scanLockTable(
  dynamodbEndpoint: string,
  table: string,
): Promise<Record<string, { S?: string }>[]> {
  const response = await dynamodbCall(dynamodbEndpoint, "Scan", { TableName: table });
  if (response.status !== 200) throw new Error(`dynalite Scan failed: ${response.status} ${response.body}`);
  return JSON.parse(response.body).Items;
}

export interface StateServersOptions {
  readonly bucket: string;
  readonly lockTable: string;
  /** Loopback port of s3rver. @default 0 (a free port) */
  readonly s3Port?: number;
  /** Loopback port of dynalite. @default 0 (a free port) */
  readonly dynamodbPort?: number;
}

export async function startStateServers(options: StateServersOptions): Promise<StateServers> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ghost-s3rver-"));
  const s3 = new S3rver({
    address: "127.0.0.1",
    port: options.s3Port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  const s3Address: AddressInfo = await s3.run();

  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamo.once("error", reject);
    dynamo.listen(options.dynamodbPort ?? 0, "127.0.0.1", () => resolve());
  });
  const dynamodbEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;

  const stop = async (): Promise<void> => {
    await Promise.allSettled([s3.close(), new Promise((resolve) => dynamo.close(resolve))]);
    fs.rmSync(directory, { recursive: true, force: true });
  };

  try {
    const created = await dynamodbCall(dynamodbEndpoint, "CreateTable", {
      TableName: options.lockTable,
      AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    if (created.status !== 200) throw new Error(`dynalite CreateTable failed: ${created.status} ${created.body}`);
  } catch (error) {
    await stop();
    throw error;
  }

  return { s3Endpoint: `http://127.0.0.1:${s3Address.port}`, dynamodbEndpoint, stop };
}
