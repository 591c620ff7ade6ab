import { forwardProcesses, minioStandIn } from "../results-port-forward";
import { ProcEntry } from "../procs";

type Obj = {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, never>;
};

describe("minioStandIn", () => {
  const objects = minioStandIn(41234) as unknown as Obj[];
  const of = (kind: string) => objects.find((o) => o.kind === kind)!;
  const pod = of("Pod") as unknown as {
    metadata: Obj["metadata"];
    spec: { containers: { ports: { containerPort: number }[] }[] };
  };
  const service = of("Service") as unknown as {
    metadata: Obj["metadata"];
    spec: { selector: Record<string, string>; ports: { port: number; targetPort: number }[] };
  };
  const rule = of("PortForward") as unknown as {
    metadata: Obj["metadata"];
    spec: { forwards: { ports: number[]; target: { address: string; port: number } }[] };
  };

  it("creates the namespace before what lives in it", () => {
    expect(objects[0]).toEqual({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kubeflow" } });
    expect(objects.slice(1).map((o) => o.metadata.namespace)).toEqual(["kubeflow", "kubeflow", "kubeflow"]);
  });

  it("gives results the Service it forwards to: minio-service:9000 selecting the pod's port 9000", () => {
    expect(service.metadata.name).toBe("minio-service");
    for (const [key, value] of Object.entries(service.spec.selector)) expect(pod.metadata.labels?.[key]).toBe(value);
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 9000, targetPort: 9000 })]);
    expect(pod.spec.containers[0].ports.map((p) => p.containerPort)).toEqual([9000]);
  });

  it("names kwok's rule after the pod and sends its port 9000 to MinIO on loopback", () => {
    expect([rule.metadata.name, rule.metadata.namespace]).toEqual([pod.metadata.name, pod.metadata.namespace]);
    expect(rule.spec.forwards).toEqual([{ ports: [9000], target: { address: "127.0.0.1", port: 41234 } }]);
  });
});

describe("forwardProcesses", () => {
  const table: ProcEntry[] = [
    { pid: 10, ppid: 1, command: "node" },
    { pid: 11, ppid: 10, command: "kubectl" },
    { pid: 12, ppid: 11, command: "kubectl.1.33" },
    { pid: 13, ppid: 10, command: "kubectl" },
    { pid: 14, ppid: 10, command: "minio" },
    { pid: 15, ppid: 1, command: "kubectl" },
  ];
  const lines: Record<number, string> = {
    11: "kubectl --kubeconfig /w/kubeconfig -n kubeflow port-forward svc/minio-service :9000",
    12: "kubectl.1.33 --kubeconfig /w/kubeconfig -n kubeflow port-forward svc/minio-service :9000",
    13: "kubectl --kubeconfig /w/kubeconfig get workflows",
    14: "minio server /tmp/d",
    15: "kubectl --kubeconfig /w/kubeconfig -n kubeflow port-forward svc/minio-service :9000",
  };

  it("finds this process's port-forward children with whatever they started, and nothing else", () => {
    expect(forwardProcesses(10, table, (pid) => lines[pid] ?? "", ["port-forward", "/w/kubeconfig"])).toEqual([11, 12]);
  });

  it("finds none when no child forwards with that kubeconfig", () => {
    expect(forwardProcesses(10, table, (pid) => lines[pid] ?? "", ["port-forward", "/other/kubeconfig"])).toEqual([]);
  });
});
