// The deploy command's way of running Terraform (tools/graceful.ts), around any command: what the
// graceful-stop tests signal, with the stand-in child or the real Terraform. The command's output
// passes through; the last line is RESULT and the exit code and the signal that interrupted it.
import { runGracefully } from "../../tools/graceful";

const [command, ...args] = process.argv.slice(2);
runGracefully(command, args, { say: () => undefined }).then((result) =>
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`),
);
