// Ghost's owner bootstrap. It runs beside Ghost in every task (the "ghost-bootstrap" container,
// "node -e" in Ghost's own image: no dependencies, no files) and talks to Ghost on loopback,
// where no visitor can reach: the ALB refuses the setup request from everyone else (README, "The
// first minute"). On a fresh site it creates the owner with a generated password kept in Secrets
// Manager, then a custom integration for deployments whose Admin API key it keeps there too. On a
// site that has both it changes nothing. It never prints a password or a key.
// No template literals: Terraform would read "$" + "{" in the task definition as its own interpolation.
"use strict";
const crypto = require("crypto");

const env = process.env;
const site = new URL(env.BOOTSTRAP_SITE_URL);
const ghost = env.BOOTSTRAP_GHOST_ORIGIN || "http://127.0.0.1:2368";
const region = env.AWS_REGION;
const waitSeconds = Number(env.BOOTSTRAP_WAIT_SECONDS || 600);
const say = (line) => console.log("ghost-bootstrap: " + line);

// ---- Secrets Manager, signed with Signature Version 4 by hand (the image has no AWS SDK) ----

async function credentials() {
  if (env.AWS_ACCESS_KEY_ID) {
    return { id: env.AWS_ACCESS_KEY_ID, secret: env.AWS_SECRET_ACCESS_KEY, token: env.AWS_SESSION_TOKEN };
  }
  // The task role, from the ECS credentials endpoint (ECS sets one of these in every container).
  const url =
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI || "http://169.254.170.2" + env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const headers = env.AWS_CONTAINER_AUTHORIZATION_TOKEN ? { Authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN } : {};
  const answer = await fetch(url, { headers });
  if (!answer.ok) throw new Error("the task role's credentials: HTTP " + answer.status);
  const body = await answer.json();
  return { id: body.AccessKeyId, secret: body.SecretAccessKey, token: body.Token };
}

const sha256 = (text) => crypto.createHash("sha256").update(text).digest("hex");
const hmac = (key, text) => crypto.createHmac("sha256", key).update(text).digest();

async function secretsManager(action, input) {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  const endpoint = new URL(
    env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL || "https://secretsmanager." + region + "." + suffix,
  );
  const body = JSON.stringify(input);
  const creds = await credentials();
  const stamp = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const headers = {
    "content-type": "application/x-amz-json-1.1",
    host: endpoint.host,
    "x-amz-date": stamp,
    "x-amz-target": "secretsmanager." + action,
    ...(creds.token && { "x-amz-security-token": creds.token }),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    "POST",
    "/",
    "",
    ...names.map((name) => name + ":" + headers[name]),
    "",
    names.join(";"),
    sha256(body),
  ];
  const scope = stamp.slice(0, 8) + "/" + region + "/secretsmanager/aws4_request";
  const key = [region, "secretsmanager", "aws4_request"].reduce(hmac, hmac("AWS4" + creds.secret, stamp.slice(0, 8)));
  const signature = crypto
    .createHmac("sha256", key)
    .update(["AWS4-HMAC-SHA256", stamp, scope, sha256(canonical.join("\n"))].join("\n"))
    .digest("hex");
  const authorization =
    "AWS4-HMAC-SHA256 Credential=" +
    creds.id +
    "/" +
    scope +
    ", SignedHeaders=" +
    names.join(";") +
    ", Signature=" +
    signature;
  delete headers.host; // signed, but sent by fetch itself (from the URL)
  const answer = await fetch(new URL("/", endpoint), { method: "POST", headers: { ...headers, authorization }, body });
  const text = await answer.text();
  if (answer.ok) return JSON.parse(text || "{}");
  const error = JSON.parse(text || "{}");
  const type = String(error.__type || error.code || answer.status)
    .split("#")
    .pop();
  throw Object.assign(
    new Error("Secrets Manager " + action + ": " + type + ": " + (error.message || error.Message || text)),
    {
      type,
    },
  );
}

/** The secret's current value; undefined while it has none (Terraform creates our secrets empty). */
async function readSecret(arn) {
  try {
    return (await secretsManager("GetSecretValue", { SecretId: arn })).SecretString;
  } catch (error) {
    if (error.type === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

async function writeSecret(arn, value) {
  await secretsManager("PutSecretValue", {
    SecretId: arn,
    SecretString: value,
    ClientRequestToken: crypto.randomUUID(),
  });
}

// ---- Ghost's Admin API, as a browser on the site's own URL would call it ----

async function admin(method, path, { body, cookie } = {}) {
  const headers = {
    Host: site.host, // Ghost answers for its configured name,
    "X-Forwarded-Proto": site.protocol.slice(0, -1), // and redirects an https site's plain requests
    Origin: site.origin, // Ghost's sessions are bound to the origin
    Accept: "application/json",
    ...(body && { "Content-Type": "application/json" }),
    ...(cookie && { Cookie: cookie }),
  };
  const answer = await fetch(ghost + "/ghost/api/admin/" + path, {
    method,
    headers,
    body: body && JSON.stringify(body),
    redirect: "manual",
  });
  const text = await answer.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: answer.status, json, text, cookie: answer.headers.getSetCookie?.() ?? [] };
}

/** Whether the site has an owner, once Ghost answers (it migrates its database on first boot). */
async function ownerExists() {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      const answer = await admin("GET", "authentication/setup/");
      if (answer.status === 200) return answer.json.setup[0].status === true;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("Ghost did not answer at " + ghost + " within " + waitSeconds + " s");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** 32 random characters: Ghost refuses weak passwords, and no person ever has to type it. */
const newPassword = () => crypto.randomBytes(24).toString("base64url");

async function createOwner() {
  // The password is kept before the owner exists: a bootstrap cut short between the two reuses it.
  let owner = await readSecret(env.BOOTSTRAP_OWNER_SECRET_ARN);
  if (owner === undefined) {
    owner = JSON.stringify({ username: env.BOOTSTRAP_OWNER_EMAIL, password: newPassword() });
    await writeSecret(env.BOOTSTRAP_OWNER_SECRET_ARN, owner);
  }
  const { username, password } = JSON.parse(owner);
  const setup = { name: env.BOOTSTRAP_OWNER_NAME, email: username, password, blogTitle: site.hostname };
  const answer = await admin("POST", "authentication/setup/", { body: { setup: [setup] } });
  if (answer.status !== 201)
    throw new Error("creating the owner: HTTP " + answer.status + " " + answer.text.slice(0, 300));
  say("created the owner " + username + "; the password is in " + env.BOOTSTRAP_OWNER_SECRET_ARN);
}

async function createIntegration() {
  const owner = await readSecret(env.BOOTSTRAP_OWNER_SECRET_ARN);
  if (owner === undefined)
    throw new Error("the owner exists but its secret is empty: it was not created by this bootstrap");
  const { username, password } = JSON.parse(owner);
  const signIn = await admin("POST", "session/", { body: { username, password } });
  if (signIn.status !== 201) {
    throw new Error(
      "signing in as the owner to create the deployment integration: HTTP " +
        signIn.status +
        " " +
        "(the password was changed, or Ghost wants a sign-in code); create a custom integration in Ghost Admin " +
        "and put its Admin API key into " +
        env.BOOTSTRAP_INTEGRATION_SECRET_ARN,
    );
  }
  const cookie = signIn.cookie.map((value) => value.split(";")[0]).join("; ");
  try {
    const name = env.BOOTSTRAP_INTEGRATION_NAME;
    const listed = await admin("GET", "integrations/?include=api_keys&limit=all", { cookie });
    let integration = listed.json?.integrations?.find((candidate) => candidate.name === name);
    if (!integration) {
      const created = await admin("POST", "integrations/?include=api_keys", {
        cookie,
        body: { integrations: [{ name, description: "Deployments: the pipeline publishes themes with its key." }] },
      });
      if (created.status !== 201)
        throw new Error("creating the integration: HTTP " + created.status + " " + created.text.slice(0, 300));
      integration = created.json.integrations[0];
    }
    const key = integration.api_keys.find((candidate) => candidate.type === "admin");
    // Ghost's Admin API already gives an admin key's secret as the key itself, "<id>:<secret>".
    await writeSecret(env.BOOTSTRAP_INTEGRATION_SECRET_ARN, key.secret);
    say('integration "' + name + '": its Admin API key is in ' + env.BOOTSTRAP_INTEGRATION_SECRET_ARN);
  } finally {
    await admin("DELETE", "session/", { cookie });
  }
}

async function main() {
  if (!(await ownerExists())) await createOwner();
  if ((await readSecret(env.BOOTSTRAP_INTEGRATION_SECRET_ARN)) === undefined) await createIntegration();
  say("the owner and the deployment integration exist");
}

main().catch((error) => {
  say("failed: " + error.message);
  process.exitCode = 1;
});
