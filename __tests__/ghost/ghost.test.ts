/**
 * The Ghost tier: the real Ghost, the release `service.ghostImage` pins, started with exactly the
 * environment each synthesized task definition declares, as the task's user, and probed as AWS
 * probes it: the target groups' health checks, a visitor through the production listener (and
 * CloudFront), a tester on CodeDeploy's test listener; then used as a person uses it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { createHmac } from "crypto";
import { crc32, deflateSync } from "zlib";
import { HTTPS_CERTIFICATE_ENVIRONMENT } from "../fixtures";
import { parseUser, planGhostBoot } from "../support/ghost-boot";
import {
  ensureGhost,
  GhostInstall,
  ghostUnavailableReason,
  ghostVersionOfImage,
  GHOST_NODE_VERSION,
} from "../support/ghost-install";
import { freePort, GhostProcess, makeContentDir } from "../support/ghost-process";
import { CaughtMail, credentialsEndpoint, MailCatcher, mailCatcherFor } from "../support/mail-catchers";
import { BootstrapRun, OwnerBootstrapRunner } from "../support/owner-bootstrap";
import { refusedByListenerRules } from "../support/alb-rules";
import { startEmulator } from "../../tools/emulator";
import { evaluateWebAcl, readWebAcl } from "../support/web-acl";
import { ensurePythonEnv, pythonUnavailableReason } from "../../tools/python-env";
import { matcherAccepts, probe, ProbeRequest, ProbeResponse } from "../support/http-probe";
import { synthesizeStacks, TEST_PROJECT, WORK_DIR } from "../support/stacks";
import { HealthCheck, Listener, readSynthesizedTask, SynthesizedTask } from "../support/synthesized-task";
import { describeWithTool, once } from "../support/tiers";
import { isWithinDomain } from "../../src/config";

jest.setTimeout(120_000);

const TIER_DIR = path.join(WORK_DIR, "ghost");
const stackDirs = synthesizeStacks("ghost/synth", {
  project: { ...TEST_PROJECT, environments: [...TEST_PROJECT.environments, HTTPS_CERTIFICATE_ENVIRONMENT] },
});
const tasks = Object.entries(stackDirs)
  .filter(([name]) => name !== "ghost-state")
  .map(([, dir]) => readSynthesizedTask(dir));
const versions = [...new Set(tasks.map((task) => ghostVersionOfImage(task.image)))];
const version = versions.length === 1 ? versions[0] : undefined;
if (!version) {
  throw new Error(
    `every environment's service.ghostImage must pin one official ghost:<x.y.z> image for the Ghost tier; found ${tasks.map((task) => task.image).join(", ")}`,
  );
}

/** The owner bootstrap's secrets and SES mail live in the emulator, which needs the tier's Python environment. */
const venv = once(() => ensurePythonEnv());
/** One emulator for every environment's owner bootstrap (each has its own secret names). */
const bootstrapSandbox = once(async () => {
  fs.mkdirSync(TIER_DIR, { recursive: true });
  const emulator = await startEmulator({ venv: await venv(), logFile: path.join(TIER_DIR, "bootstrap-moto.log") });
  const credentials = await credentialsEndpoint();
  return { emulator, credentials, secretsManagerEndpoint: emulator.endpoint, credentialsUrl: credentials.url };
});

const STAFF_EMAIL = "new.staff@example.org";

/**
 * A stranger's attempts to claim the site: Ghost's setup call in each spelling Ghost routes to it
 * (its routing is case-insensitive after /ghost/api/admin/, and it maps versioned API paths there),
 * and in spellings it does not route (percent-encoded), which must then not reach setup either.
 */
const STRANGER_SETUP_PATHS = [
  "/ghost/api/admin/authentication/setup/",
  "/ghost/api/admin/authentication/setup",
  "/ghost/api/admin/AUTHENTICATION/SETUP/",
  "/ghost/api/admin/Authentication/Setup",
  "/ghost/api/v5.0/admin/authentication/setup/",
  "/ghost/api/admin/authentication/%73etup/",
  "/GHOST/api/admin/authentication/setup/",
];
const STRANGER = {
  name: "Stranger",
  email: "stranger@example.net",
  password: "Stranger-Claims-9-Site",
  blogTitle: "Mine",
};

/** An Admin API token for an integration's key `<id>:<hex secret>` (Ghost's documented JWT: HS256, aud /admin/, 5 minutes). */
function adminApiToken(key: string): string {
  const [id, secret] = key.split(":");
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: "HS256", typ: "JWT", kid: id })}.${encode({ iat: now, exp: now + 300, aud: "/admin/" })}`;
  return `${unsigned}.${createHmac("sha256", Buffer.from(secret, "hex")).update(unsigned).digest("base64url")}`;
}

function say(task: SynthesizedTask, line: string): void {
  process.stdout.write(`ghost tier ${task.stack}: ${line}\n`);
}

/** Exactly what an ALB target-group health check sends: plain HTTP, Host = target ip:port, no forwarded headers. */
function healthCheckRequest(check: HealthCheck, port: number): ProbeRequest {
  return {
    path: check.path,
    headers: {
      Host: `127.0.0.1:${port}`,
      "User-Agent": "ELB-HealthChecker/2.0",
      Connection: "close",
      "Accept-Encoding": "gzip, compressed",
    },
    timeoutMs: check.timeoutSeconds * 1000,
  };
}

/** Headers an ALB listener adds to a request it forwards to a target. */
function viaListener(listener: Listener, host: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Host: host,
    "X-Forwarded-For": "203.0.113.10",
    "X-Forwarded-Proto": listener.protocol.toLowerCase(),
    "X-Forwarded-Port": String(listener.port),
    ...extra,
  };
}

/**
 * A visitor's request as it reaches Ghost: through CloudFront (which forwards the viewer's Host
 * only when the cache policy has it, and adds Via) when there is one, then the production listener.
 */
function visitorHeaders(task: SynthesizedTask): Record<string, string> {
  const siteHost = new URL(task.environment.url).host;
  if (!task.cdn) return viaListener(task.productionListener, siteHost);
  const host = task.cdn.pages.headers.includes("Host") ? siteHost : task.albDnsName;
  return viaListener(task.productionListener, host, { Via: "2.0 0123456789abcdef.cloudfront.net (CloudFront)" });
}

function describeResponse(response: ProbeResponse): string {
  if (response.status === 0) return `no answer (${response.error})`;
  const location = response.headers.location ? ` -> ${response.headers.location}` : "";
  const error = response.status >= 400 ? ` ${response.body.toString("utf8").slice(0, 300)}` : "";
  return `${response.status}${location}${error}`;
}

/** The task's check, as many times in a row as the target group needs to call a target healthy. */
async function passesHealthCheck(task: SynthesizedTask, check: HealthCheck, port: number): Promise<ProbeResponse[]> {
  const responses: ProbeResponse[] = [];
  for (let i = 0; i < check.healthyThreshold; i++) responses.push(await probe(port, healthCheckRequest(check, port)));
  say(
    task,
    `health check ${check.targetGroup} ${check.protocol} GET ${check.path} (Host 127.0.0.1:${port}, no X-Forwarded-*) x${check.healthyThreshold}: ${responses.map(describeResponse).join(", ")} (matcher ${check.matcher})`,
  );
  return responses;
}

function multipartImage(field: string, filename: string, content: Buffer): { body: Buffer; contentType: string } {
  const boundary = `----ghost-tier-${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    content,
    Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="ref"\r\n\r\n${filename}\r\n--${boundary}--\r\n`,
    ),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A real 2x2 PNG, different for each environment (so a stale file cannot pass for it). */
function pngFor(seed: string): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])) >>> 0);
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const colour = Buffer.from(seed.padEnd(3, "x").slice(0, 3));
  const row = Buffer.concat([Buffer.from([0]), colour, colour]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat([row, row]))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function json(response: ProbeResponse): any {
  return JSON.parse(response.body.toString("utf8"));
}

describeWithTool(
  `Ghost tier (the real Ghost ${version}, as each task definition runs it)`,
  {
    tier: "Ghost tier",
    requirement: `can install ghost@${version} from the npm registry, and python3 with venv for the SES emulator (required under CI)`,
    unavailable: ghostUnavailableReason(version) ?? pythonUnavailableReason(),
  },
  () => {
    let install: GhostInstall;

    beforeAll(async () => {
      install = await ensureGhost(version, (line) => process.stdout.write(`${line}\n`));
    }, 20 * 60_000);

    afterAll(async () => {
      const sandbox = await bootstrapSandbox();
      sandbox.credentials.server.close();
      await sandbox.emulator.stop();
    });

    describe.each(tasks.map((task) => [task.stack, task] as const))("%s", (_stack, task) => {
      const contentDir = path.join(TIER_DIR, task.stack, "content");
      const tmpDir = path.join(TIER_DIR, task.stack, "tmp");
      const siteUrl = new URL(task.environment.url);
      let ghost: GhostProcess;
      let port: number;
      let bootOptions: Parameters<typeof GhostProcess.start>[1];
      let mail: MailCatcher | undefined;
      let bootstrap: OwnerBootstrapRunner;

      beforeAll(async () => {
        port = await freePort();
        mail = await mailCatcherFor(task, {
          workDir: path.join(TIER_DIR, task.stack, "mail"),
          ghostDir: install.dir,
          venv,
        });
        bootstrap = await OwnerBootstrapRunner.prepare(task, {
          node: install.node,
          ghostPort: port,
          sandbox: await bootstrapSandbox(),
        });
        const plan = planGhostBoot(task, { contentDir, port, secretValues: mail?.secretValues, tmpDir });
        makeContentDir(contentDir, plan.user);
        makeContentDir(tmpDir, plan.user);
        bootOptions = {
          env: { ...plan.env, ...mail?.env },
          contentDir,
          port,
          user: plan.user,
          bootTimeoutMs: task.healthCheckGracePeriodSeconds * 1000,
        };
        say(
          task,
          `Ghost ${install.version} on node ${GHOST_NODE_VERSION}, image ${task.image}, url ${task.environment.url}`,
        );
        for (const difference of [...plan.differences, ...(mail?.differences ?? []), ...bootstrap.differences])
          say(task, `sandbox: ${difference}`);
        ghost = await GhostProcess.start(install, bootOptions);
        say(
          task,
          `booted in ${(ghost.bootMs / 1000).toFixed(1)} s (health-check grace period ${task.healthCheckGracePeriodSeconds} s)`,
        );
      }, 4 * 60_000);

      afterAll(async () => {
        await ghost?.stop();
        await mail?.stop();
      });

      it("boots as the task's user with the task's environment", () => {
        expect(ghost.running).toBe(true);
        if (process.getuid?.() === 0) expect(fs.statSync(path.join(contentDir, "data", "ghost.db")).uid).toBe(1000);
      });

      it("runs with the task's read-only root filesystem: its user may write to the content and /tmp only", () => {
        expect([task.readonlyRootFilesystem, task.scratchPaths]).toEqual([true, ["/tmp"]]);
        const user = parseUser(task.user);
        if (process.getuid?.() !== 0) {
          say(task, `cannot check which directories uid ${user.uid} may write to: only root can switch users`);
          return;
        }
        const writable = (dir: string): boolean =>
          spawnSync("/bin/sh", ["-c", 'touch "$0/.write-probe" && rm "$0/.write-probe"', dir], {
            uid: user.uid,
            gid: user.gid,
          }).status === 0;
        const probed = {
          install: writable(install.dir),
          code: writable(path.join(install.dir, "core")),
          modules: writable(path.join(install.dir, "node_modules")),
          content: writable(contentDir),
          tmp: writable(tmpDir),
        };
        say(task, `writable by uid ${user.uid}: ${JSON.stringify(probed)}`);
        expect(probed).toEqual({ install: false, code: false, modules: false, content: true, tmp: true });
      });

      it("passes each target group's health check exactly as the ALB sends it", async () => {
        expect(task.healthChecks.map((check) => check.port)).toEqual([task.containerPort, task.containerPort]);
        for (const check of task.healthChecks) {
          expect(check.protocol).toBe("HTTP"); // Ghost itself serves plain HTTP
          const responses = await passesHealthCheck(task, check, port);
          const refused = responses
            .map((response) => response.status)
            .filter((status) => !matcherAccepts(check.matcher, status));
          expect({ targetGroup: check.targetGroup, refused }).toEqual({ targetGroup: check.targetGroup, refused: [] });
        }
      });

      it("answers a visitor through the production listener with 200 on / and on the admin API", async () => {
        const headers = visitorHeaders(task);
        for (const route of ["/", "/ghost/api/admin/site/"]) {
          const response = await probe(port, { path: route, headers });
          say(
            task,
            `visitor GET ${route} (Host ${headers.Host}, X-Forwarded-Proto ${headers["X-Forwarded-Proto"]}): ${describeResponse(response)}`,
          );
          expect({ route, status: response.status }).toEqual({ route, status: 200 });
        }
      });

      it("answers a tester on the CodeDeploy test listener with 200 (the green tasks before the cutover)", async () => {
        const listener = task.testListener;
        const headers = viaListener(listener, `${task.albDnsName}:${listener.port}`);
        for (const route of ["/", "/ghost/api/admin/site/"]) {
          const response = await probe(port, { path: route, headers });
          say(
            task,
            `tester ${listener.protocol}:${listener.port} GET ${route} (Host ${headers.Host}): ${describeResponse(response)}`,
          );
          expect({ route, status: response.status }).toEqual({ route, status: 200 });
        }
      });

      if (task.cdn) {
        const cdn = task.cdn;

        it("reaches Ghost from CloudFront over the production listener's protocol", () => {
          expect(task.productionListener.protocol).toBe(cdn.originProtocol === "https-only" ? "HTTPS" : "HTTP");
        });

        it("serves pages with the Cache-Control the pages cache policy honours", async () => {
          const maxAge = Number(task.environment.caching__frontend__maxAge);
          expect(maxAge).toBeGreaterThan(0);
          expect(maxAge).toBeGreaterThanOrEqual(cdn.pages.minTtl);
          expect(maxAge).toBeLessThanOrEqual(cdn.pages.maxTtl);
          const response = await probe(port, { path: "/", headers: visitorHeaders(task) });
          say(
            task,
            `CloudFront GET /: Cache-Control ${response.headers["cache-control"]} (policy TTL ${cdn.pages.minTtl}-${cdn.pages.maxTtl} s)`,
          );
          expect(response.headers["cache-control"]).toBe(`public, max-age=${maxAge}`);
        });

        it("marks the admin and members APIs private, on paths CloudFront does not cache", async () => {
          expect(cdn.uncachedPaths).toEqual(expect.arrayContaining(["/ghost/*", "/members/*"]));
          for (const route of ["/ghost/api/admin/site/", "/members/api/member/"]) {
            const response = await probe(port, { path: route, headers: visitorHeaders(task) });
            const cacheControl = String(response.headers["cache-control"] ?? "");
            say(task, `CloudFront GET ${route}: ${describeResponse(response)}, Cache-Control ${cacheControl}`);
            expect({
              route,
              private: /\bprivate\b|\bno-store\b/.test(cacheControl),
              public: /\bpublic\b/.test(cacheControl),
            }).toEqual({ route, private: true, public: false });
          }
        });
      }

      if (siteUrl.protocol === "https:") {
        it("would fail the health check an HTTPS site had before (/ghost/api/admin/site/, matcher 200): Ghost answers 301", async () => {
          const before: HealthCheck = { ...task.healthChecks[0], path: "/ghost/api/admin/site/", matcher: "200" };
          const [response] = await passesHealthCheck(task, { ...before, healthyThreshold: 1 }, port);
          expect(response.status).toBe(301);
          expect(matcherAccepts(before.matcher, response.status)).toBe(false);
        });
      }

      describe("used as a person uses it", () => {
        const origin = siteUrl.origin;
        const admin = (extra: Record<string, string> = {}) => ({ ...visitorHeaders(task), Origin: origin, ...extra });
        const image = pngFor(task.stack);
        let session = "";
        let postPath = "";
        let imagePath = "";
        const postTitle = `Published by the Ghost tier on ${task.stack}`;

        const ownerEmail = task.bootstrap.environment.BOOTSTRAP_OWNER_EMAIL;
        let firstRun: BootstrapRun | undefined;

        /** The one message to `recipient` whose subject matches, as its server received it. */
        async function received(recipient: string, subject: RegExp): Promise<CaughtMail> {
          const messages = (await mail!.messages()).filter(
            (message) => message.to.includes(recipient) && subject.test(message.subject),
          );
          for (const message of messages) {
            say(
              task,
              `mail: "${message.subject}" from ${message.from} to ${message.to.join(", ")}${message.secure === undefined ? "" : `, TLS ${message.secure}, login ${message.user}`}`,
            );
          }
          expect(messages).toHaveLength(1);
          return messages[0];
        }

        it("refuses a stranger's setup call at both listeners, in every spelling, while the product's bootstrap creates the owner", async () => {
          const setupStatus = async () =>
            json(await probe(port, { path: "/ghost/api/admin/authentication/setup/", headers: visitorHeaders(task) }))
              .setup[0].status;
          expect(await setupStatus()).toBe(false); // healthy, and nobody owns the site yet
          const running = bootstrap.run().then((run) => (firstRun = run));
          const listeners = [
            { name: "production", rules: task.listenerRules.production, headers: visitorHeaders(task) },
            {
              name: "test",
              rules: task.listenerRules.test,
              headers: viaListener(task.testListener, `${task.albDnsName}:${task.testListener.port}`),
            },
          ];
          const outcomes = new Map<string, Set<string>>();
          for (let round = 0; round < 3 || firstRun === undefined; round++) {
            for (const listener of listeners) {
              for (const route of STRANGER_SETUP_PATHS) {
                const refusal = refusedByListenerRules(listener.rules, { method: "POST", path: route });
                let outcome = refusal && `refused by the listener: ${refusal.statusCode}`;
                if (!outcome) {
                  const answer = await probe(port, {
                    method: "POST",
                    path: route,
                    headers: { ...listener.headers, Origin: origin, "Content-Type": "application/json" },
                    body: JSON.stringify({ setup: [STRANGER] }),
                  });
                  outcome = `reached Ghost: ${answer.status}`;
                  expect({ route, status: answer.status }).not.toEqual({ route, status: 201 });
                }
                const key = `${listener.name} POST ${route}`;
                outcomes.set(key, (outcomes.get(key) ?? new Set()).add(outcome));
              }
            }
            if (firstRun === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
          }
          await running;
          for (const [request, seen] of outcomes) say(task, `stranger ${request}: ${[...seen].join(", ")}`);
          say(task, `bootstrap: exit ${firstRun!.code}: ${firstRun!.output.trim()}`);
          expect(firstRun!.code).toBe(0);
          // Every spelling that Ghost routes to setup never reaches it: the listener answers it.
          for (const listener of ["production", "test"]) {
            for (const route of STRANGER_SETUP_PATHS.filter((candidate) => !candidate.includes("%"))) {
              expect([...outcomes.get(`${listener} POST ${route}`)!]).toEqual(["refused by the listener: 403"]);
            }
          }
          expect(await setupStatus()).toBe(true);
        });

        it("keeps the owner's password in Secrets Manager, never in its output, and the owner signs in with it", async () => {
          const stored = await bootstrap.secret(bootstrap.ownerSecretArn);
          expect(stored).toBeDefined();
          const { username, password } = JSON.parse(stored!.value);
          expect(username).toBe(ownerEmail);
          expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
          expect(firstRun!.output).not.toContain(password);
          const signIn = await probe(port, {
            method: "POST",
            path: "/ghost/api/admin/session/",
            headers: admin({ "Content-Type": "application/json" }),
            body: JSON.stringify({ username, password }),
          });
          say(task, `owner sign-in with the stored password: ${describeResponse(signIn)}`);
          const cookie = (signIn.headers["set-cookie"] ?? []).find((value) =>
            value.startsWith("ghost-admin-api-session="),
          );
          expect(cookie).toBeDefined();
          session = cookie!.split(";")[0];
          if (task.environment.security__staffDeviceVerification === "false") {
            // No mail: Ghost could not send a sign-in code, so the task turns device verification off.
            expect(task.environment.mail__transport).toBeUndefined();
            expect(signIn.status).toBe(201);
            return;
          }
          // A new device (the bootstrap signed in first): Ghost mails the owner a code, as it would to a person.
          expect(signIn.status).toBe(403);
          const message = await received(ownerEmail, /is your Ghost sign in verification code/);
          const code = /^(\d{6}) is your Ghost sign in verification code/.exec(message.subject)![1];
          const verified = await probe(port, {
            method: "PUT",
            path: "/ghost/api/admin/session/verify/",
            headers: admin({ "Content-Type": "application/json", Cookie: session }),
            body: JSON.stringify({ token: code }),
          });
          say(task, `sign-in code from the owner's mail: ${describeResponse(verified)}`);
          expect(verified.status).toBe(200);
        });

        it("stores the Deployments integration's Admin API key, which the Admin API accepts", async () => {
          const stored = await bootstrap.secret(bootstrap.integrationSecretArn);
          expect(stored?.value).toMatch(/^[0-9a-f]{24}:[0-9a-f]{64}$/);
          expect(firstRun!.output).not.toContain(stored!.value.split(":")[1]);
          const site = await probe(port, {
            path: "/ghost/api/admin/users/?limit=all",
            headers: admin({ Authorization: `Ghost ${adminApiToken(stored!.value)}` }),
          });
          say(task, `Admin API with the integration's key: ${describeResponse(site)}`);
          expect(site.status).toBe(200);
          expect(json(site).users.map((user: { email: string }) => user.email)).toEqual([ownerEmail]);
        });

        it("changes nothing when it runs again (every task start, every later deploy)", async () => {
          const before = {
            owner: await bootstrap.secret(bootstrap.ownerSecretArn),
            integration: await bootstrap.secret(bootstrap.integrationSecretArn),
          };
          const again = await bootstrap.run();
          say(task, `bootstrap again: exit ${again.code}: ${again.output.trim()}`);
          expect(again.code).toBe(0);
          expect({
            owner: await bootstrap.secret(bootstrap.ownerSecretArn),
            integration: await bootstrap.secret(bootstrap.integrationSecretArn),
          }).toEqual(before);
          const integrations = await probe(port, {
            path: "/ghost/api/admin/integrations/?limit=all",
            headers: admin({ Cookie: session }),
          });
          expect(integrations.status).toBe(200);
          const deployments = json(integrations).integrations.filter(
            (integration: { name: string }) =>
              integration.name === task.bootstrap.environment.BOOTSTRAP_INTEGRATION_NAME,
          );
          expect(deployments).toHaveLength(1);
        });

        if (task.environment.mail__transport) {
          const sender = task.environment.mail__from;

          it(`sends a staff invite from ${sender} to the invited address (${task.environment.mail__transport})`, async () => {
            const roles = await probe(port, {
              path: "/ghost/api/admin/roles/?permissions=assign",
              headers: admin({ Cookie: session }),
            });
            expect(roles.status).toBe(200);
            const contributor = json(roles).roles.find((role: { name: string }) => role.name === "Contributor");
            const invite = await probe(port, {
              method: "POST",
              path: "/ghost/api/admin/invites/",
              headers: admin({ "Content-Type": "application/json", Cookie: session }),
              body: JSON.stringify({ invites: [{ email: STAFF_EMAIL, role_id: contributor.id }] }),
            });
            say(task, `invite ${STAFF_EMAIL}: ${describeResponse(invite)}`);
            expect(invite.status).toBe(201);
            const message = await received(STAFF_EMAIL, /invited you to join/);
            expect(message.from).toBe(sender);
            expect(message.body).toContain(`${origin}/ghost/signup/`);
          });

          it(`sends a password reset to the owner from ${sender}`, async () => {
            const reset = await probe(port, {
              method: "POST",
              path: "/ghost/api/admin/authentication/password_reset/",
              headers: admin({ "Content-Type": "application/json" }),
              body: JSON.stringify({ password_reset: [{ email: ownerEmail }] }),
            });
            say(task, `password reset for ${ownerEmail}: ${describeResponse(reset)}`);
            expect(reset.status).toBe(200);
            const message = await received(ownerEmail, /Reset Password/);
            expect(message.from).toBe(sender);
            expect(message.body).toContain(`${origin}/ghost/reset/`);
          });

          // Member mail comes from Ghost's support address, noreply@<site host>, not from mail.from.
          const memberSender = `noreply@${siteUrl.hostname.replace(/^www\./, "")}`;
          const memberSenderAllowed =
            task.environment.mail__transport !== "SES" ||
            (task.sesIdentity !== undefined && isWithinDomain(siteUrl.hostname, task.sesIdentity));

          async function askForMagicLink(email: string): Promise<ProbeResponse> {
            const token = await probe(port, { path: "/members/api/integrity-token/", headers: visitorHeaders(task) });
            expect(token.status).toBe(200);
            return probe(port, {
              method: "POST",
              path: "/members/api/send-magic-link/",
              headers: { ...visitorHeaders(task), Origin: origin, "Content-Type": "application/json" },
              body: JSON.stringify({ email, emailType: "signup", integrityToken: token.body.toString("utf8") }),
            });
          }

          if (memberSenderAllowed) {
            it(`sends a member sign-in link from ${memberSender} (Ghost's support address)`, async () => {
              const member = "new.member@example.org";
              const sent = await askForMagicLink(member);
              say(task, `member magic link for ${member}: ${describeResponse(sent)}`);
              expect(sent.status).toBe(201);
              const message = await received(member, /sign up/i);
              expect(message.from).toBe(memberSender);
              expect(message.body).toContain(`${origin}/members/?token=`);
            });
          } else {
            it(`cannot send member mail from ${memberSender}, outside the SES identity ${task.sesIdentity}, as synth warns`, async () => {
              const member = "refused.member@example.org";
              const sent = await askForMagicLink(member);
              say(task, `member magic link for ${member} (sender outside the identity): ${describeResponse(sent)}`);
              expect(sent.status).toBeGreaterThanOrEqual(400);
              expect((await mail!.messages()).filter((message) => message.to.includes(member))).toEqual([]);
              // SES itself refused it (moto answers as SES does), not some other failure.
              expect(ghost.tail(400)).toContain(`Did not have authority to send from email ${memberSender}`);
            });
          }

          if (task.environment.mail__transport === "SMTP") {
            it("logs in to the SMTP server only over TLS, as the configured user", async () => {
              const messages = await mail!.messages();
              expect(messages.length).toBeGreaterThan(0);
              expect(messages.map((message) => [message.secure, message.user])).toEqual(
                messages.map(() => [true, task.environment.mail__options__auth__user]),
              );
            });
          }
        }

        it("publishes a post that visitors can read", async () => {
          const created = await probe(port, {
            method: "POST",
            path: "/ghost/api/admin/posts/?source=html",
            headers: admin({ "Content-Type": "application/json", Cookie: session }),
            body: JSON.stringify({
              posts: [{ title: postTitle, html: "<p>Written through the Admin API.</p>", status: "published" }],
            }),
          });
          say(task, `publish post: ${describeResponse(created)}`);
          expect(created.status).toBe(201);
          const url = new URL(json(created).posts[0].url);
          expect(url.origin).toBe(origin);
          postPath = url.pathname;
          const page = await probe(port, { path: postPath, headers: visitorHeaders(task) });
          say(task, `visitor GET ${postPath}: ${describeResponse(page)}`);
          expect(page.status).toBe(200);
          expect(page.body.toString("utf8")).toContain(postTitle);
        });

        it("uploads an image that visitors can fetch", async () => {
          const upload = multipartImage("file", `${task.stack}.png`, image);
          const uploaded = await probe(port, {
            method: "POST",
            path: "/ghost/api/admin/images/upload/",
            headers: admin({ "Content-Type": upload.contentType, Cookie: session }),
            body: upload.body,
          });
          say(task, `upload image: ${describeResponse(uploaded)}`);
          expect(uploaded.status).toBe(201);
          imagePath = new URL(json(uploaded).images[0].url).pathname;
          expect(imagePath).toMatch(/^\/content\/images\//);
          const fetched = await probe(port, { path: imagePath, headers: visitorHeaders(task) });
          expect(fetched.status).toBe(200);
          expect(fetched.body.equals(image)).toBe(true);
        });

        it("keeps the post, the image and the session when a new process starts on the same content (a new task on the same EFS)", async () => {
          expect(postPath && imagePath && session).toBeTruthy();
          await ghost.stop();
          ghost = await GhostProcess.start(install, bootOptions);
          say(task, `restarted on the same content in ${(ghost.bootMs / 1000).toFixed(1)} s`);
          const page = await probe(port, { path: postPath, headers: visitorHeaders(task) });
          const fetched = await probe(port, { path: imagePath, headers: visitorHeaders(task) });
          const me = await probe(port, { path: "/ghost/api/admin/users/me/", headers: admin({ Cookie: session }) });
          say(
            task,
            `after restart: post ${describeResponse(page)}, image ${describeResponse(fetched)}, session ${describeResponse(me)}`,
          );
          expect(page.status).toBe(200);
          expect(page.body.toString("utf8")).toContain(postTitle);
          expect(fetched.status).toBe(200);
          expect(fetched.body.equals(image)).toBe(true);
          expect(me.status).toBe(200);
          expect(json(me).users[0].email).toBe(ownerEmail);
        });

        const allowlist = task.adminAllowedCidrs;
        if (allowlist.length > 0) {
          it(`keeps Ghost admin to ${allowlist.join(", ")}: refused from outside, served inside, everything public served to all (a web ACL's rule: no listener swap touches it)`, async () => {
            const { acl, ipSets } = readWebAcl(stackDirs[task.stack]);
            const inside = ["203.0.113.10", "2001:db8::10"];
            const outside = ["198.51.100.7", "2001:db9::7"];
            expect(postPath && imagePath && session).toBeTruthy();
            const classes: { route: string; admin: boolean; headers?: Record<string, string> }[] = [
              { route: "/ghost/", admin: true },
              { route: "/ghost/api/admin/users/me/", admin: true, headers: { Cookie: session } },
              { route: "/ghost/api/content/settings/", admin: false },
              { route: "/ghost/.well-known/jwks.json", admin: false },
              { route: "/members/api/integrity-token/", admin: false },
              { route: "/", admin: false },
              { route: postPath, admin: false },
              { route: imagePath, admin: false },
            ];
            const contentKey = await probe(port, {
              path: "/ghost/api/admin/integrations/?include=api_keys&limit=all",
              headers: admin({ Cookie: session }),
            });
            const key = json(contentKey)
              .integrations.flatMap(
                (integration: { api_keys: { type: string; secret: string }[] }) => integration.api_keys,
              )
              .find((apiKey: { type: string }) => apiKey.type === "content").secret;
            for (const { route, admin: isAdmin, headers } of classes) {
              const path = route.startsWith("/ghost/api/content/") ? `${route}?key=${key}` : route;
              for (const sourceIp of [...inside, ...outside]) {
                const verdict = evaluateWebAcl(acl, ipSets, { method: "GET", path, sourceIp });
                const fromInside = inside.includes(sourceIp);
                if (isAdmin && !fromInside) {
                  expect({ route, sourceIp, verdict: verdict.action }).toEqual({ route, sourceIp, verdict: "BLOCK" });
                  continue;
                }
                expect({ route, sourceIp, verdict: verdict.action }).toEqual({ route, sourceIp, verdict: "ALLOW" });
                expect(
                  refusedByListenerRules(task.listenerRules.production, { method: "GET", path: route }),
                ).toBeUndefined();
                const answer = await probe(port, { path, headers: { ...visitorHeaders(task), ...headers } });
                expect({ route, sourceIp, status: answer.status }).toEqual({ route, sourceIp, status: 200 });
              }
            }
            // Another spelling of admin (Ghost routes the API case-insensitively): WAF reads it as admin too.
            for (const sourceIp of [...inside, ...outside]) {
              const verdict = evaluateWebAcl(acl, ipSets, {
                method: "GET",
                path: "/GHOST/api/admin/users/me/",
                sourceIp,
              });
              expect({ sourceIp, verdict: verdict.action }).toEqual({
                sourceIp,
                verdict: inside.includes(sourceIp) ? "ALLOW" : "BLOCK",
              });
            }
            say(
              task,
              `allowlist: admin blocked from ${outside.join(", ")}, served to ${inside.join(", ")}; ${classes.length} path classes probed`,
            );
            for (const check of task.healthChecks) {
              const responses = await passesHealthCheck(task, check, port);
              expect(responses.every((response) => matcherAccepts(check.matcher, response.status))).toBe(true);
            }
          });
        }
      });
    });

    describe("a Ghost that cannot open its database", () => {
      const task = tasks.find((candidate) => candidate.environment.database__client === "mysql") ?? tasks[0];

      it("never passes the health check", async () => {
        const contentDir = path.join(TIER_DIR, "broken-database", "content");
        const port = await freePort();
        const closedPort = await freePort(); // nothing listens there: the database is unreachable
        const plan = planGhostBoot(task, { contentDir, port });
        makeContentDir(contentDir, plan.user);
        const env = {
          ...plan.env,
          database__client: "mysql",
          database__connection__host: "127.0.0.1",
          database__connection__port: String(closedPort),
          database__connection__user: "ghost",
          database__connection__password: "unused",
          database__connection__database: "ghost",
        };
        const ghost = GhostProcess.spawn(install, { env, contentDir, port, user: plan.user, bootTimeoutMs: 60_000 });
        const statuses: string[] = [];
        let exitedByItself: boolean;
        try {
          const deadline = Date.now() + 45_000;
          while (Date.now() < deadline && ghost.running) {
            for (const check of task.healthChecks) {
              const response = await probe(port, healthCheckRequest(check, port));
              statuses.push(describeResponse(response));
              expect(matcherAccepts(check.matcher, response.status)).toBe(false);
            }
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
          exitedByItself = !ghost.running;
        } finally {
          await ghost.stop();
        }
        say(
          task,
          `database unreachable: Ghost ${exitedByItself ? "exited" : "kept running"}; health checks answered ${[...new Set(statuses)].join(", ")}`,
        );
        expect(ghost.tail(200)).toMatch(/ECONNREFUSED|connect/);
        expect(statuses.length).toBeGreaterThan(0);
      }, 90_000);
    });
  },
);
