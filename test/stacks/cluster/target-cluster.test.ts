import { minikubeStartCommand } from "../../../stacks/cluster/target-cluster";
import { shellQuote } from "../../../stacks/util/shell";

describe("minikube and Docker", () => {
  it("starts a profile with the docker runtime and quotes odd values", () => {
    const cmd = minikubeStartCommand({
      manage: true,
      profile: "p1",
      cpus: 6,
      memory: "12g",
      disk: "80g",
      kubernetesVersion: "v1.33.2",
      driver: "kvm2",
    });
    expect(cmd).toBe(
      "minikube start --profile p1 --cpus 6 --memory 12g --disk-size 80g --kubernetes-version v1.33.2 --driver kvm2 --container-runtime docker --wait all",
    );
    expect(shellQuote("a b'c")).toBe("'a b'\\''c'");
  });

  it("passes cluster.minikube.gpus to minikube start --gpus, and nothing when it is unset", () => {
    const profile = {
      manage: true,
      profile: "p1",
      cpus: 4,
      memory: "8g",
      disk: "40g",
      kubernetesVersion: "v1.34.0",
      driver: "docker",
    };
    expect(minikubeStartCommand({ ...profile, gpus: "all" })).toContain(
      " --container-runtime docker --gpus all --wait all",
    );
    expect(minikubeStartCommand(profile)).not.toContain("--gpus");
  });
});
