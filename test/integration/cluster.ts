/**
 * A throwaway Kubernetes cluster on loopback: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler as local processes started by kwokctl, with kwok faking the nodes (pods scheduled
 * there turn Ready without running) and serving their kubelet endpoint, which forwards a pod's port as a
 * PortForward object says. kwok's stages are Stage objects in the API server (kwok's own defaults, applied
 * here), so a check can add its own: pod-faults.ts drives pods into ImagePullBackOff, OOMKilled, ….
 * Built by test/integration/toolchain/build-test-tools.sh.
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { run } from "./exec";
import { Kubectl } from "./kubectl";

export interface LocalCluster {
  name: string;
  kubeconfig: string;
  context: string;
  kubectl: Kubectl;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  toolsBin: string;
  workDir: string;
  name: string;
  nodes?: number;
  /**
   * Fake volumes for PVCs (kwok has no provisioner). A released volume is not reused, so there are
   * enough for every stack, the baseline and the e2e runs of one run (3 claims each).
   */
  volumes?: number;
  volumeSize?: string;
}

export async function startLocalCluster(opts: ClusterOptions): Promise<LocalCluster> {
  const bin = (tool: string) => path.join(opts.toolsBin, tool);
  const kubeconfig = path.join(opts.workDir, "kubeconfig");
  // kwokctl keeps its cluster files under KWOK_WORKDIR (default ~/.kwok): keep them in the temp dir.
  const env = {
    ...process.env,
    KWOK_WORKDIR: path.join(opts.workDir, "kwok"),
    PATH: `${opts.toolsBin}:${process.env.PATH}`,
  };
  const kwokctl = (...args: string[]) => run(bin("kwokctl"), [...args, "--name", opts.name], { env });
  const stop = async () => {
    await kwokctl("delete", "cluster", "--kubeconfig", kubeconfig).catch((e: Error) =>
      console.error(`integration: kwokctl delete cluster failed: ${e.message}`),
    );
    killLeftoverComponents(path.join(opts.workDir, "kwok", "clusters", opts.name));
  };
  try {
    await kwokctl(
      "create",
      "cluster",
      "--runtime",
      "binary",
      "--kube-apiserver-binary",
      bin("kube-apiserver"),
      "--kube-controller-manager-binary",
      bin("kube-controller-manager"),
      "--kube-scheduler-binary",
      bin("kube-scheduler"),
      "--kwok-controller-binary",
      bin("kwok"),
      "--etcd-binary",
      bin("etcd"),
      "--kubeconfig",
      kubeconfig,
      // kwok serves pods' port-forwards by the PortForward objects in the API server (results-port-forward.ts),
      // and by ClusterPortForward for pods whose names it cannot know (e2e.ts: the stack's MinIO pod), and moves
      // nodes and pods through the Stage objects there.
      "--enable-crds",
      "PortForward,ClusterPortForward,Stage",
      "--wait",
      "3m",
    );
    const context = `kwok-${opts.name}`;
    const kubectl = new Kubectl(kubeconfig, context);
    await kubectl.applyObjects(kwokDefaultStages(await kwokSourceDir()));
    await kwokctl("scale", "node", "--replicas", String(opts.nodes ?? 2));
    await kubectl.applyObjects(fakeVolumes(opts.volumes ?? 24, opts.volumeSize ?? "50Gi"));
    return { name: opts.name, kubeconfig, context, kubectl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The label that keeps a pod out of kwok's pod-ready stage, for a check's own stages to drive (pod-faults.ts). */
export const OWN_STAGE_LABEL = "kfp-protein-stack/pod-fault";

/** kwok's source at the version the tools were built from (the module the build downloaded). */
async function kwokSourceDir(): Promise<string> {
  const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", GOSUMDB: "off" };
  const cwd = path.join(__dirname, "toolchain", "go", "kwok");
  const { stdout } = await run("go", ["mod", "download", "-json", "sigs.k8s.io/kwok"], { env, cwd });
  return (JSON.parse(stdout) as { Dir: string }).Dir;
}

/**
 * The stages kwokctl gives kwok when Stage objects are not enabled (pkg/kwokctl/runtime/cluster.go: node
 * initialize and heartbeat with lease; pod ready, complete and delete), with pod-ready skipping pods labelled
 * OWN_STAGE_LABEL.
 */
export function kwokDefaultStages(kwokDir: string): Record<string, unknown>[] {
  const files = [
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
  ];
  return files.flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(kwokDir, "kustomize", "stage", file), "utf8"))
      .map((doc) => doc.toJS() as StageObject)
      .map((stage) => (stage.metadata.name === "pod-ready" ? skippingOwnStages(stage) : stage)),
  );
}

type StageObject = {
  metadata: { name: string };
  spec: { selector: { matchExpressions: { key: string; operator: string; values?: string[] }[] } };
};

function skippingOwnStages(stage: StageObject): StageObject {
  const skip = { key: `.metadata.labels["${OWN_STAGE_LABEL}"]`, operator: "DoesNotExist" };
  const selector = { ...stage.spec.selector, matchExpressions: [...stage.spec.selector.matchExpressions, skip] };
  return { ...stage, spec: { ...stage.spec, selector } };
}

/** hostPath PersistentVolumes without a storage class, so class-less PVCs bind (nothing is written). */
export function fakeVolumes(count: number, size: string): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `itest-volume-${i}`, labels: { "kfp-protein-stack/itest": "volume" } },
    spec: {
      capacity: { storage: size },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName: "",
      hostPath: { path: `/tmp/itest-volume-${i}` },
    },
  }));
}

/** If kwokctl could not stop a component, kill it by the pid file kwokctl wrote. */
function killLeftoverComponents(clusterDir: string): void {
  const pidDir = path.join(clusterDir, "pids");
  if (!fs.existsSync(pidDir)) return;
  for (const file of fs.readdirSync(pidDir)) {
    const pid = Number(fs.readFileSync(path.join(pidDir, file), "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
