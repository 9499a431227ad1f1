/**
 * The matrix's child processes: a command that must finish (a build, an install) and a server that
 * runs until stopped (a dev server, `next start`). Each runs in a process group of its own, so that
 * stopping it also stops what it started (npm runs sh, which runs the tool, which may start
 * workers), and the group is killed if the test process exits first.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * What every tool gets: no colours in the output the failure messages quote, no telemetry or
 * analytics prompts, and none of Prove's settings (`next build` must need none of them).
 */
export function toolEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    NEXT_TELEMETRY_DISABLED: '1',
    NG_CLI_ANALYTICS: 'false',
  };
  for (const name of Object.keys(env)) if (name.startsWith('PROVE_')) delete env[name];
  // node:test's runner sets NODE_ENV=test for nobody; a parent shell's NODE_ENV would change what
  // Next and Parcel build, so each tool picks its own.
  delete env.NODE_ENV;
  delete env.NODE_OPTIONS;
  return env;
}

export interface Child {
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the exit code (128 for a signal) when the process ends. */
  exited: Promise<number>;
  /** Whether it has exited. */
  done(): boolean;
  /** SIGTERM to the whole group, SIGKILL after 10 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `command` in `cwd` in a process group of its own. Its stdin stays open until it is
 * stopped: `esbuild --serve` stops serving when its stdin closes.
 */
export function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = toolEnv()): Child {
  const child: ChildProcess = spawn(command, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let exitCode: number | undefined;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group has gone already
    }
  };
  // A runner timeout or Ctrl-C ends this process without stop(): take the group with it.
  const orphanGuard = () => killGroup('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      output += `\n${error.message}`;
      exitCode = 127;
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : 1);
      resolve(exitCode);
    });
  }).finally(() => process.off('exit', orphanGuard));
  return {
    output: () => output,
    exited,
    done: () => exitCode !== undefined,
    async stop() {
      if (exitCode === undefined) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      // Workers the tool left behind in its group (its own exit does not end them).
      killGroup('SIGKILL');
      child.stdin!.destroy();
    },
  };
}

/** Runs `command` to its end within `timeout` ms; answers its output, or throws with it when it fails. */
export async function run(
  command: string,
  args: string[],
  cwd: string,
  timeout: number,
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  const child = start(command, args, cwd, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeout)));
  const code = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  await child.stop();
  const what = `\`${[command, ...args].join(' ')}\` in ${cwd}`;
  if (code === 'timeout') throw new Error(`${what} did not finish within ${timeout / 1000} s:\n${child.output()}`);
  if (code !== 0) throw new Error(`${what} exited ${code}:\n${child.output()}`);
  return child.output();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `url` answers 200 (a dev server compiles the page at its first request, so one
 * request may take long). Fails at once when the server exits, answers 5xx (a page that did not
 * compile), or prints `failed` (a dev server that stays up, serving nothing, after its build failed).
 */
export async function answering(url: string, server: Child, timeout: number, failed?: RegExp): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (server.done())
      throw new Error(`the server for ${url} exited (${await server.exited}) before answering:\n${server.output()}`);
    if (failed?.test(server.output())) throw new Error(`the server for ${url} failed to build:\n${server.output()}`);
    const answer = await fetch(url, { signal: AbortSignal.timeout(Math.max(1_000, deadline - Date.now())) }).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      (error: Error) => ({ status: 0, body: error.message }),
    );
    if (answer.status === 200) return;
    if (answer.status >= 500)
      throw new Error(`${url} answered ${answer.status}:\n${answer.body.slice(0, 2_000)}\n${server.output()}`);
    last = answer.status ? `HTTP ${answer.status}` : answer.body;
    await pause(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeout / 1000} s (${last}):\n${server.output()}`);
}
