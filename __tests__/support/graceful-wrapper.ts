// The deploy command's way of running Terraform, around the stand-in child: what the graceful-stop
// test signals. Prints the child's exit code and the signal that interrupted it.
import * as path from "path";
import { runGracefully } from "../../tools/graceful";

const [record] = process.argv.slice(2);
runGracefully(process.execPath, [path.join(__dirname, "interruptible-child.js"), record], {
  say: () => undefined,
}).then((result) => process.stdout.write(JSON.stringify(result)));
