/**
 * Starts the swagger-validating fake KFP API standalone (for the integration tier):
 *   npx ts-node --transpile-only test/fakes/fake-kfp-cli.ts [--port N] [--prefix /path] [--token T]
 *     [--outcome SUCCEEDED|FAILED|RUNNING_FOREVER] [--polls N]
 * Prints the base URL on stdout as its only line, then serves until SIGINT/SIGTERM.
 */
import { RunOutcome, startFakeKfp } from "./fake-kfp";

function parseArgs(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument "${argv[i]}"; see the usage at the top of fake-kfp-cli.ts`);
    args[m[1]] = m[2] ?? argv[++i];
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const outcome = (args.outcome ?? "SUCCEEDED") as RunOutcome;
  if (!["SUCCEEDED", "FAILED", "RUNNING_FOREVER"].includes(outcome)) {
    throw new Error(`--outcome must be SUCCEEDED, FAILED or RUNNING_FOREVER, got "${outcome}"`);
  }
  const fake = await startFakeKfp({
    port: args.port ? Number(args.port) : 0,
    pathPrefix: args.prefix,
    bearerToken: args.token,
    runOutcome: outcome,
    pollsToFinish: args.polls ? Number(args.polls) : undefined,
  });
  process.stdout.write(`${fake.url}\n`);
  const stop = (): void => void fake.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: Error) => {
  process.stderr.write(`fake-kfp: ${e.message}\n`);
  process.exit(1);
});
