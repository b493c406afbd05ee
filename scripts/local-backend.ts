/**
 * npm run local:backend
 * Starts the local state backend (s3rver + dynalite) and keeps it running until Ctrl-C, printing
 * the variables that put synth and the cdktf CLI in local mode, e.g. for `npx cdktf diff ghost-dev`.
 * Fixed ports (GHOST_LOCAL_S3_PORT, default 4568; GHOST_LOCAL_DYNAMODB_PORT, default 4567) keep the
 * backend configuration the same from one run to the next, so `terraform init` need not reconfigure.
 */
import * as path from "path";
import { loadProject } from "../src/config";
import { localCliConfig } from "../tools/plan";
import { startStateServers } from "../tools/state-servers";

async function main(): Promise<void> {
  const { state } = loadProject();
  const servers = await startStateServers({
    bucket: state.bucket,
    lockTable: state.lockTable,
    s3Port: Number(process.env.GHOST_LOCAL_S3_PORT ?? 4568),
    dynamodbPort: Number(process.env.GHOST_LOCAL_DYNAMODB_PORT ?? 4567),
  });
  const { cliConfigFile, mirror } = localCliConfig(path.resolve(".plan-local"));
  const exports = [
    `export GHOST_LOCAL_S3_ENDPOINT=${servers.s3Endpoint}`,
    `export GHOST_LOCAL_DYNAMODB_ENDPOINT=${servers.dynamodbEndpoint}`,
    "export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required",
    ...(mirror ? [`export TF_CLI_CONFIG_FILE=${cliConfigFile}`] : []),
  ];
  process.stdout.write(
    `Local state backend running: bucket ${state.bucket} at ${servers.s3Endpoint}, lock table ${state.lockTable} at ${servers.dynamodbEndpoint}.\n` +
      `In another shell:\n\n  ${exports.join("\n  ")}\n  npx cdktf diff <stack>     # e.g. ghost-dev\n\nCtrl-C stops it (the state it holds is gone then).\n`,
  );
  const stop = async () => {
    await servers.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: Error) => {
  process.stderr.write(`local:backend failed: ${error.message}\n`);
  process.exit(1);
});
