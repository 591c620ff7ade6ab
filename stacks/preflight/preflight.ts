/**
 * Checks of the machine a stack runs from, after config validation and before any resource is
 * registered: the tools a managed minikube profile needs, and an architecture the AMBER image can be
 * built for. Every problem is collected and thrown as one error; nothing is created.
 */
import { StackConfig } from "../config";
import { amberBuildPlatform, normalizeArch } from "./arch";
import { RunResult, shellProbe, ToolProbe } from "./probe";
import {
  atLeastAlso,
  compareVersions,
  formatVersion,
  MIN_DOCKER,
  MIN_MINIKUBE_GPUS,
  minikubeNeededFor,
  parseVersion,
  Version,
} from "./versions";

export interface PreflightFacts {
  minikube?: RunResult;
  docker?: RunResult;
  /** Docker's runtimes, asked when minikube passes GPUs through (cluster.minikube.gpus). */
  dockerRuntimes?: RunResult;
  /** The architecture the image is built on: the running node's, else this machine's. */
  nodeArch?: string;
}

export interface PreflightResult {
  /** The Docker platform to build the AMBER image for (when amber.build). */
  amberPlatform?: string;
}

export class PreflightError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Preflight failed (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "PreflightError";
  }
}

/** Asks the probe only what this config needs. */
export function gatherFacts(cfg: StackConfig, probe: ToolProbe): PreflightFacts {
  const m = cfg.cluster.minikube;
  const facts: PreflightFacts = {};
  if (m && (m.manage || cfg.amber.build)) facts.minikube = probe.minikubeVersion();
  if (m?.manage && m.driver === "docker") facts.docker = probe.dockerVersion();
  if (m?.manage && m.gpus && facts.docker?.ok) facts.dockerRuntimes = probe.dockerRuntimes();
  if (m && cfg.amber.build) {
    const running = facts.minikube?.ok ? probe.nodeArch(m.profile) : undefined;
    facts.nodeArch = running ?? probe.hostArch();
  }
  return facts;
}

const INSTALL_MINIKUBE = "install it: https://minikube.sigs.k8s.io/docs/start/";

/** Pure: the problems these facts mean for this config. */
export function preflightProblems(
  cfg: StackConfig,
  facts: PreflightFacts,
): { problems: string[]; result: PreflightResult } {
  const problems: string[] = [];
  const result: PreflightResult = {};
  const m = cfg.cluster.minikube;
  if (!m) return { problems, result };

  if (facts.minikube) {
    const why = m.manage
      ? `for cluster.minikube.kubernetesVersion ${m.kubernetesVersion}${m.gpus ? ` and cluster.minikube.gpus ${m.gpus} (--gpus: ${formatVersion(MIN_MINIKUBE_GPUS)}+)` : ""}`
      : "for minikube docker-env (amber.build)";
    const forKubernetes: ReturnType<typeof minikubeNeededFor> = m.manage
      ? minikubeNeededFor(parseVersion(m.kubernetesVersion) ?? [0, 0, 0])
      : { atLeast: [1, 0, 0] };
    const needed = m.manage && m.gpus ? atLeastAlso(forKubernetes, MIN_MINIKUBE_GPUS) : forKubernetes;
    const neededText =
      "atLeast" in needed
        ? `${formatVersion(needed.atLeast)} or newer`
        : `newer than ${formatVersion(needed.newerThan)}`;
    const fix = m.manage
      ? `upgrade minikube (${INSTALL_MINIKUBE}), or npm run config -- set --path cluster.minikube.kubernetesVersion <one your minikube supports>`
      : INSTALL_MINIKUBE;
    if (!facts.minikube.ok) {
      const found = facts.minikube.missing ? "not found on PATH" : `did not run (${facts.minikube.message})`;
      problems.push(`minikube: ${found}; needs ${neededText} ${why}. Fix: ${INSTALL_MINIKUBE}`);
    } else {
      const found = parseVersion(facts.minikube.stdout);
      const ok =
        found !== undefined &&
        ("atLeast" in needed
          ? compareVersions(found, needed.atLeast) >= 0
          : compareVersions(found, needed.newerThan) > 0);
      if (!ok)
        problems.push(
          `minikube: found ${facts.minikube.stdout.trim() || "no version"}, needs ${neededText} ${why}. Fix: ${fix}`,
        );
    }
  }

  if (facts.docker) {
    const why = "for cluster.minikube.driver docker";
    if (!facts.docker.ok) {
      const found = facts.docker.missing
        ? "not found on PATH"
        : `installed, but its daemon did not answer (${facts.docker.message})`;
      problems.push(
        `docker: ${found}; needs a running Docker ${formatVersion(MIN_DOCKER)} or newer ${why}. Fix: install and start Docker, or npm run config -- set --path cluster.minikube.driver <another driver>`,
      );
    } else {
      const [os, text] = facts.docker.stdout.trim().split("-", 2);
      const found: Version | undefined = parseVersion(text ?? "");
      if (os !== "linux")
        problems.push(
          `docker: the daemon runs ${os} containers; minikube needs Linux containers. Fix: switch Docker to Linux containers.`,
        );
      else if (!found || compareVersions(found, MIN_DOCKER) < 0)
        problems.push(
          `docker: found ${text ?? facts.docker.stdout.trim()}, needs ${formatVersion(MIN_DOCKER)} or newer ${why}. Fix: upgrade Docker.`,
        );
    }
  }

  if (facts.dockerRuntimes) {
    const runtimes = facts.dockerRuntimes.ok ? facts.dockerRuntimes.stdout : "";
    if (!/"nvidia"\s*:/.test(runtimes))
      problems.push(
        `docker: no nvidia runtime (docker info lists ${facts.dockerRuntimes.ok ? runtimes.trim() || "none" : facts.dockerRuntimes.message}); minikube's --gpus needs the NVIDIA Container Toolkit for cluster.minikube.gpus ${m.gpus}. Fix: install it and run sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker, or npm run config -- rm --path cluster.minikube.gpus`,
      );
  }

  if (cfg.amber.build && facts.nodeArch !== undefined) {
    const platform = amberBuildPlatform(normalizeArch(facts.nodeArch));
    if ("problem" in platform) problems.push(platform.problem);
    else result.amberPlatform = platform.platform;
  }
  return { problems, result };
}

/** Gathers the facts and throws PreflightError listing every problem, before anything is registered. */
export function runPreflight(cfg: StackConfig, probe: ToolProbe = shellProbe()): PreflightResult {
  const { problems, result } = preflightProblems(cfg, gatherFacts(cfg, probe));
  if (problems.length > 0) throw new PreflightError(problems);
  return result;
}
