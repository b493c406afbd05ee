/**
 * Runs a command (Terraform) so that an interruption stops it gracefully: the child gets its own
 * process group, so a terminal's Ctrl-C reaches this process only, and the first SIGINT or SIGTERM
 * is passed on as one SIGINT, after which Terraform finishes the calls in flight, saves the state
 * and releases the lock. Later signals are not passed on (a second SIGINT makes Terraform stop at
 * once, losing track of what it was creating); the caller waits for the child either way.
 */
import { spawn } from "child_process";

export interface GracefulResult {
  /** The child's exit code (1 when it died of a signal). */
  readonly code: number;
  /** The signal that interrupted it, if one did. */
  readonly interruptedBy?: NodeJS.Signals;
}

export function runGracefully(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; say?: (line: string) => void } = {},
): Promise<GracefulResult> {
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: "inherit", detached: true });
    let interruptedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (interruptedBy) {
        say(`${signal}: still waiting for ${command} to save its state and release the lock`);
        return;
      }
      interruptedBy = signal;
      say(`${signal}: asking ${command} to stop gracefully (one SIGINT); waiting for it to save its state`);
      child.kill("SIGINT");
    };
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
    for (const signal of signals) process.on(signal, onSignal);
    const done = (): void => {
      for (const signal of signals) process.off(signal, onSignal);
    };
    child.on("error", (error) => {
      done();
      reject(error);
    });
    child.on("exit", (code) => {
      done();
      resolve({ code: code ?? 1, interruptedBy });
    });
  });
}
