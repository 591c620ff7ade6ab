/**
 * A throwaway Kubernetes cluster on loopback: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler as local processes started by kwokctl, with kwok faking the nodes (pods scheduled
 * there turn Ready without running) and serving their kubelet endpoint, which forwards a pod's port as a
 * PortForward object says. Built by test/integration/toolchain/build-test-tools.sh.
 */
import * as fs from "fs";
import * as path from "path";
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
      // and by ClusterPortForward for pods whose names it cannot know (e2e.ts: the stack's MinIO pod).
      "--enable-crds",
      "PortForward",
      "--enable-crds",
      "ClusterPortForward",
      "--wait",
      "3m",
    );
    await kwokctl("scale", "node", "--replicas", String(opts.nodes ?? 2));
    const context = `kwok-${opts.name}`;
    const kubectl = new Kubectl(kubeconfig, context);
    await kubectl.applyObjects(fakeVolumes(opts.volumes ?? 24, opts.volumeSize ?? "50Gi"));
    return { name: opts.name, kubeconfig, context, kubectl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
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
