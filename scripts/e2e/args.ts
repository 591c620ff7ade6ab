/** `npm run e2e` flags, and the config of its ephemeral stack: pure, unit-tested. */
import { parseFlags } from "../../pipelines/cli-flags";
import { Usage, UsageError, asUsageErrors } from "../../pipelines/cli";

export const USAGE: Usage = {
  command: "e2e",
  synopsis: "npm run e2e [-- --kubeconfig PATH] [--context NAME] [--config KEY=VALUE]… [--out DIR] [--poll SECONDS]",
  about: `Proves this machine (or a cluster) runs the whole stack: creates a uniquely named stack (file backend in a
temp dir), runs up with the tiny preset, waits until the pipeline run SUCCEEDED, downloads its results, checks
them (every step succeeded, the report and metrics are there), then destroys and removes the stack, also when a
phase fails or on Ctrl-C. The last line is the verdict with each phase's time; exit 0 PASS, 1 FAIL, 130
interrupted, 2 on a usage error. Without a cluster flag the stack owns a minikube profile of its own
(kfp-protein-<stack>), deleted again at the end. Uses pulumi from PATH, else the pinned CLI in .pulumi-cli/.`,
  flags: [
    ["--kubeconfig PATH", "use an existing cluster (cluster.mode=existing) from this kubeconfig"],
    [
      "--context NAME",
      "... and this context (default: its current-context); with either, pass an AMBER image: --config amber.build=false --config amber.image=REPO@sha256:DIGEST",
    ],
    ["--config KEY=VALUE", "any stack config key (repeatable), e.g. --config cluster.minikube.driver=kvm2"],
    ["--out DIR", "keep the downloaded results there (default: a temp dir, removed at the end)"],
    ["--poll SECONDS", "how often the run is polled (default 10)"],
  ],
};

export interface E2eOptions {
  kubeconfig?: string;
  context?: string;
  config: Record<string, string>;
  out?: string;
  pollSeconds: number;
}

/** The options; throws UsageError on anything it cannot use (--help is answered before, by runCli). */
export function parseE2eArgs(argv: string[]): E2eOptions {
  const config: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const inline = /^--config=(.*)$/.exec(argv[i]);
    if (!inline && argv[i] !== "--config") {
      rest.push(argv[i]);
      continue;
    }
    const pair = inline ? inline[1] : argv[++i];
    const match = /^([A-Za-z][\w.[\]-]*)=(.*)$/.exec(pair ?? "");
    if (!match) throw new UsageError(`--config needs KEY=VALUE, got "${pair ?? ""}"`);
    config[match[1]] = match[2];
  }
  const flags = asUsageErrors(() => parseFlags(rest, ["kubeconfig", "context", "config", "out", "poll"]));
  const pollSeconds = Number(flags.poll ?? 10);
  if (!Number.isFinite(pollSeconds) || pollSeconds <= 0) throw new UsageError(`--poll must be a positive number`);
  return {
    kubeconfig: flags.kubeconfig as string | undefined,
    context: flags.context as string | undefined,
    config,
    out: flags.out as string | undefined,
    pollSeconds,
  };
}

/**
 * The stack's config: its own minikube profile (owned by the stack, so destroy deletes it) unless a cluster is
 * named; the tiny preset; `up` returns once the run is started (the wait is a phase of its own). `--config` last.
 */
export function e2eStackConfig(options: E2eOptions): Record<string, string> {
  const cluster: Record<string, string> =
    options.kubeconfig || options.context
      ? {
          "cluster.mode": "existing",
          ...(options.kubeconfig ? { "cluster.kubeconfig": options.kubeconfig } : {}),
          ...(options.context ? { "cluster.context": options.context } : {}),
        }
      : { "cluster.mode": "minikube", "cluster.minikube.manage": "true" };
  return {
    ...cluster,
    "pipeline.enabled": "true",
    "pipeline.preset": "tiny",
    "pipeline.wait": "false",
    ...options.config,
  };
}
