/**
 * Upgrade in place: a stack created by the code of a base commit (a `git worktree` of it), then `pulumi up`
 * by the current code. Type tokens and resource names must not have changed, so the engine may update
 * (dynamic providers' `providerVersion` and serialized `__provider` change with their code) but must
 * neither replace nor delete anything, except the behaviour changes listed with their reason in
 * EXPECTED_BEHAVIOUR_CHANGES.
 */
import * as fs from "fs";
import * as path from "path";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { run } from "./exec";
import { Deployment } from "./state";

/** main before `stacks/` was cut into domain folders: the layout whose stacks must upgrade in place. */
export const UPGRADE_BASE_COMMIT = "5c0520e636a39d52ee40016447582566d6b9bc30";

/** Inputs an upgrade may change: a dynamic provider's version and its serialized code. */
export const EXPECTED_UPGRADE_DIFFS = ["providerVersion", "__provider"];

const HARMLESS_OPS = ["same", "update", "read", "refresh"];
const REPLACE_OPS = ["replace", "create-replacement", "delete-replaced"];

/**
 * Behaviour changes made since the base commit on purpose, by resource (own type :: name): what each may
 * change on upgrade, and why. Anything else an upgrade replaces, creates, deletes or changes is a problem.
 */
export const EXPECTED_BEHAVIOUR_CHANGES: Record<string, { replaced?: true; inputs: string[]; why: string }> = {
  "kubernetes:core/v1:ConfigMap::registry-proxy-config": {
    replaced: true,
    inputs: ["data"],
    why: "the relay's nginx config names the registry Service without the cluster domain; pulumi-kubernetes replaces a ConfigMap whose data changes",
  },
  "kubernetes:apps/v1:DaemonSet::registry-proxy": {
    replaced: true,
    inputs: [],
    why: "replaced with the fixed-name ConfigMap it mounts (deleted before its replacement is created, so dependents are replaced too)",
  },
  "pulumi-nodejs:dynamic/kfp-protein:ManifestSet::kfp-platform": {
    inputs: ["manifests"],
    why: "KFP's UI rewired to the object store (MINIO_HOST, ARGO_KEYFORMAT), endpoints without the cluster domain",
  },
  "kubernetes:apps/v1:DeploymentPatch::workflow-controller-deployment": {
    inputs: ["spec"],
    why: "leader election is disabled only on Argo <= 3.5 (KFP 2.17.0 bundles Argo 4.0.5)",
  },
  "pulumi-nodejs:dynamic/kfp-protein:ProteinPipelineRun::protein-pipeline-run": {
    inputs: ["parameters", "pipelineIr", "kubeContext", "owner", "outageSeconds", "podAccess", "onPodFault"],
    why: "the tutorial preset's new parameters (seed, free_md_protocol, masks), its IR, the context a failed run's logs command names, the owner mark of what it creates in KFP and the API outage window (issue 21), and the cluster access and pipeline.onPodFault with which the wait reads the run's pods",
  },
  "pulumi:providers:pulumi-nodejs::default": {
    inputs: ["kfp-protein-stack:pipeline", "kfp-protein-stack:cluster"],
    why: "the stack's pipeline config gained keys (pdbCodes, parallelism, apiOutageSeconds, resources.<class>.*) and its cluster config cluster.minikube.gpus, all with defaults",
  },
};

/** A resource's own type and name, as the table above keys it. */
export function ownName(urn: string): string {
  const [type, name] = urn.split("::").slice(-2);
  return `${type.split("$").pop()}::${name}`;
}

export interface UpgradeStep {
  op: string;
  urn: string;
  diffs?: string[];
}

/** Steps of an operation, from its engine events (the Stack resource itself is not counted). */
export function stepRecorder(): { onEvent: (e: EngineEvent) => void; steps: UpgradeStep[] } {
  const steps: UpgradeStep[] = [];
  const onEvent = (e: EngineEvent) => {
    const meta = e.resourcePreEvent?.metadata;
    if (!meta || meta.type === "pulumi:pulumi:Stack") return;
    steps.push({ op: meta.op, urn: meta.urn, ...(meta.diffs ? { diffs: meta.diffs } : {}) });
  };
  return { onEvent, steps };
}

const nameOf = (urn: string): string => urn.split("::").slice(-2).join("::");

/** Pure: every step of the upgrade that is not an in-place update of an expected input, or a no-op. */
export function upgradeProblems(steps: UpgradeStep[]): string[] {
  const problems: string[] = [];
  for (const s of steps) {
    const expected = EXPECTED_BEHAVIOUR_CHANGES[ownName(s.urn)];
    if (expected?.replaced && REPLACE_OPS.includes(s.op)) continue;
    if (!HARMLESS_OPS.includes(s.op)) {
      problems.push(`${s.op} ${nameOf(s.urn)}: an upgrade must neither replace, create nor delete`);
      continue;
    }
    const unexpected = (s.diffs ?? []).filter(
      (d) => !EXPECTED_UPGRADE_DIFFS.includes(d) && !(expected?.inputs ?? []).includes(d),
    );
    if (s.op === "update" && unexpected.length > 0)
      problems.push(`update ${nameOf(s.urn)} changes ${unexpected.join(", ")}; only providerVersion may change`);
  }
  return problems;
}

/**
 * Pure: the same check on the states before and after the upgrade, independent of what the engine reports
 * per step: the same resources (by URN), and inputs that differ only in the expected keys.
 */
export function stateUpgradeProblems(before: Deployment, after: Deployment): string[] {
  const byUrn = (d: Deployment) => new Map((d.resources ?? []).map((r) => [r.urn, r]));
  const old = byUrn(before);
  const now = byUrn(after);
  const problems: string[] = [];
  for (const urn of old.keys()) if (!now.has(urn)) problems.push(`${nameOf(urn)} is gone after the upgrade`);
  for (const [urn, r] of now) {
    const o = old.get(urn);
    if (!o) {
      problems.push(`${nameOf(urn)} is new after the upgrade`);
      continue;
    }
    const keys = new Set([...Object.keys(o.inputs ?? {}), ...Object.keys(r.inputs ?? {})]);
    const allowed = [...EXPECTED_UPGRADE_DIFFS, ...(EXPECTED_BEHAVIOUR_CHANGES[ownName(urn)]?.inputs ?? [])];
    const changed = [...keys].filter(
      (k) => !allowed.includes(k) && JSON.stringify(o.inputs?.[k]) !== JSON.stringify(r.inputs?.[k]),
    );
    if (changed.length > 0) problems.push(`${nameOf(urn)}: the upgrade changed input(s) ${changed.join(", ")}`);
  }
  return problems;
}

/** One line for the log: how many steps of each operation. */
export function describeSteps(steps: UpgradeStep[]): string {
  const counts: Record<string, number> = {};
  for (const s of steps) counts[s.op] = (counts[s.op] ?? 0) + 1;
  return (
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, n]) => `${op}=${n}`)
      .join(" ") || "no steps"
  );
}

export interface BaseWorktree {
  dir: string;
  remove(): Promise<void>;
}

/**
 * A detached worktree of `commit` under `parent`, sharing the project's node_modules (the base commit's
 * runtime dependencies must be the current ones: a dependency upgrade is its own change, not a layout one).
 */
export async function checkoutBase(repoRoot: string, commit: string, parent: string): Promise<BaseWorktree> {
  const dir = path.join(parent, "base");
  try {
    await run("git", ["-C", repoRoot, "worktree", "add", "--detach", dir, commit]);
  } catch (e) {
    throw new Error(
      `cannot check out the upgrade base ${commit} (a shallow clone? fetch it with \`git fetch --unshallow\`): ${(e as Error).message}`,
    );
  }
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  return {
    dir,
    remove: async () => {
      await run("git", ["-C", repoRoot, "worktree", "remove", "--force", dir]).catch(() => undefined);
      await run("git", ["-C", repoRoot, "worktree", "prune"]).catch(() => undefined);
    },
  };
}
