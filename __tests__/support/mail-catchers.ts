/**
 * Where the Ghost tier's Ghost sends its mail, and how the tier reads it back:
 * - SES: moto's SES v2 endpoint (the AWS SDK honours AWS_ENDPOINT_URL_SESV2), with the task
 *   role's credentials served as ECS serves them (a container credentials endpoint), so Ghost's
 *   SES transport finds them through the SDK's default chain exactly as on Fargate;
 * - SMTP: a local SMTP server (smtp-server, from Nodemailer) with the configured TLS (STARTTLS or
 *   TLS from the first byte), a certificate for the configured host name that Ghost's Node trusts
 *   (NODE_EXTRA_CA_CERTS), and the configured user and password; no authentication in clear.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { simpleParser } from "mailparser";
import { generate } from "selfsigned";
import { SMTPServer } from "smtp-server";
import { Emulator, EMULATOR_CREDENTIALS, startEmulator } from "../../tools/emulator";
import { freePort } from "./ghost-process";
import { probe } from "./http-probe";
import { SynthesizedTask } from "./synthesized-task";

/** One message as the recipient's server received it. */
export interface CaughtMail {
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  /** Text and HTML bodies, decoded. */
  readonly body: string;
  /** SMTP only: TLS was on when the message was sent, and who authenticated. */
  readonly secure?: boolean;
  readonly user?: string;
}

/** A mail server stand-in and what Ghost's environment must change to reach it. */
export interface MailCatcher {
  /** Variables to set in Ghost's environment (over the task's). */
  readonly env: Record<string, string>;
  /** Values of the task's mail secrets, as ECS would inject them. */
  readonly secretValues: Record<string, string>;
  /** What differs from AWS, one line each. */
  readonly differences: string[];
  messages(): Promise<CaughtMail[]>;
  stop(): Promise<void>;
}

async function parse(raw: string | Buffer, extra: Partial<CaughtMail> = {}): Promise<CaughtMail> {
  const mail = await simpleParser(raw);
  const addresses = (value: typeof mail.to): string[] =>
    (Array.isArray(value) ? value : value ? [value] : []).flatMap((entry) =>
      entry.value.map((address) => address.address ?? ""),
    );
  return {
    from: mail.from?.value[0]?.address ?? "",
    to: addresses(mail.to),
    subject: mail.subject ?? "",
    body: `${mail.text ?? ""}\n${typeof mail.html === "string" ? mail.html : ""}`,
    ...extra,
  };
}

/** An ECS container credentials endpoint on loopback, serving the task role's (emulator) credentials. */
export async function credentialsEndpoint(): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((_request, response) => {
    response.setHeader("Content-Type", "application/json");
    response.end(
      JSON.stringify({
        RoleArn: "arn:aws:iam::123456789012:role/ghost-task",
        AccessKeyId: EMULATOR_CREDENTIALS.accessKey,
        SecretAccessKey: EMULATOR_CREDENTIALS.secretKey,
        Token: "task-role-session-token",
        Expiration: new Date(Date.now() + 3600_000).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/credentials/task-role`, server };
}

/**
 * Ghost's SES transport against moto: the identity the stack declares is created there first
 * (moto, like SES, refuses a sender outside every identity), messages are read back from moto.
 */
export async function sesCatcher(
  task: SynthesizedTask,
  options: { venv: string; logFile: string; sesv2: string },
): Promise<MailCatcher> {
  const identity = task.sesIdentity;
  if (!identity) throw new Error(`${task.stack} sends through SES but declares no aws_sesv2_email_identity`);
  const emulator: Emulator = await startEmulator({ venv: options.venv, logFile: options.logFile });
  const credentials = await credentialsEndpoint();
  const region = task.environment.mail__options__region;
  // The SDK Ghost itself ships (no copy of our own): loaded from the Ghost install at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SESv2Client, CreateEmailIdentityCommand } = require(options.sesv2);
  const client = new SESv2Client({
    region,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: EMULATOR_CREDENTIALS.accessKey, secretAccessKey: EMULATOR_CREDENTIALS.secretKey },
  });
  await client.send(new CreateEmailIdentityCommand({ EmailIdentity: identity }));
  return {
    env: { AWS_ENDPOINT_URL_SESV2: emulator.endpoint, AWS_CONTAINER_CREDENTIALS_FULL_URI: credentials.url },
    secretValues: {},
    differences: [
      `SES v2 API at the emulator ${emulator.endpoint} (AWS_ENDPOINT_URL_SESV2), identity ${identity} created there`,
      `task-role credentials from a loopback stand-in of the ECS credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI)`,
    ],
    async messages() {
      // moto keeps every message SES accepted; its model dump lists them.
      const { host, port } = new URL(emulator.endpoint);
      const dump = await probe(Number(port), { path: "/moto-api/data.json", headers: { Host: host } });
      const data = JSON.parse(dump.body.toString("utf8"));
      const raw: { raw_data: string }[] = data.ses?.RawMessage ?? [];
      return Promise.all(raw.map((message) => parse(message.raw_data)));
    },
    async stop() {
      credentials.server.close();
      await emulator.stop();
    },
  };
}

/** Ghost's SMTP transport against a local server that speaks the configured TLS and checks the login. */
export async function smtpCatcher(task: SynthesizedTask, options: { workDir: string }): Promise<MailCatcher> {
  const env = task.environment;
  const host = env.mail__options__host;
  const user = env.mail__options__auth__user;
  const implicitTls = env.mail__options__secure === "true";
  const password = `tier-${Date.now().toString(36)}-password`;
  const pems = await generate([{ name: "commonName", value: host }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: host }] }],
  });
  fs.mkdirSync(options.workDir, { recursive: true });
  const caFile = path.join(options.workDir, "smtp-ca.pem");
  fs.writeFileSync(caFile, pems.cert, { mode: 0o644 }); // Ghost runs as the task's user: it must read it

  const caught: Promise<CaughtMail>[] = [];
  const server = new SMTPServer({
    secure: implicitTls,
    key: pems.private,
    cert: pems.cert,
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: false, // a login before TLS is refused, as every submission server does
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user });
      return callback(new Error("535 Authentication failed"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        caught.push(parse(Buffer.concat(chunks), { secure: session.secure, user: String(session.user ?? "") }));
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    env: {
      mail__options__host: "127.0.0.1",
      mail__options__port: String(port),
      // The certificate is checked against the configured host name, not the loopback address.
      mail__options__tls__servername: host,
      NODE_EXTRA_CA_CERTS: caFile,
    },
    secretValues: { mail__options__auth__pass: password },
    differences: [
      `SMTP server ${host}:${env.mail__options__port} is a local one at 127.0.0.1:${port} (${implicitTls ? "TLS" : "STARTTLS"}, login required), its certificate for ${host} trusted through NODE_EXTRA_CA_CERTS`,
    ],
    messages: () => Promise.all(caught),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The stand-in for the task's mail server, by its transport (undefined when Ghost sends none);
 * the Mailgun key, when there is one, is a stand-in too: the tier sends no newsletter.
 */
export async function mailCatcherFor(
  task: SynthesizedTask,
  options: { workDir: string; ghostDir: string; venv: () => Promise<string> },
): Promise<MailCatcher | undefined> {
  const transport = task.environment.mail__transport;
  fs.mkdirSync(options.workDir, { recursive: true });
  const catcher =
    transport === "SES"
      ? await sesCatcher(task, {
          venv: await options.venv(),
          logFile: path.join(options.workDir, "moto.log"),
          sesv2: path.join(options.ghostDir, "node_modules", "@aws-sdk", "client-sesv2"),
        })
      : transport === "SMTP"
        ? await smtpCatcher(task, { workDir: options.workDir })
        : undefined;
  if (!catcher || !task.environment.bulkEmail__mailgun__domain) return catcher;
  return {
    ...catcher,
    secretValues: { ...catcher.secretValues, bulkEmail__mailgun__apiKey: "ghost-tier-stand-in-mailgun-key" },
    differences: [...catcher.differences, "the Mailgun API key is a stand-in: the tier sends no newsletter"],
  };
}
