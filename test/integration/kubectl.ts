/** kubectl against one kubeconfig/context (kubectl is the machine's, /usr/bin/kubectl). */
import { run } from "./exec";
import { KubeObjectRef } from "./state";

export class Kubectl {
  constructor(
    readonly kubeconfig: string,
    readonly context: string,
  ) {}

  async run(args: string[], input?: string): Promise<string> {
    const { stdout } = await run("kubectl", ["--kubeconfig", this.kubeconfig, "--context", this.context, ...args], {
      input,
    });
    return stdout;
  }

  /** Server-side apply. `partial` objects (patches of others' objects) skip client-side schema validation. */
  async applyObjects(objects: Record<string, unknown>[], fieldManager = "itest", partial = false): Promise<void> {
    if (objects.length === 0) return;
    const list = { apiVersion: "v1", kind: "List", items: objects };
    const validate = partial ? ["--validate=false"] : [];
    await this.run(
      ["apply", "--server-side", "--force-conflicts", `--field-manager=${fieldManager}`, ...validate, "-f", "-"],
      JSON.stringify(list),
    );
  }

  /** `kind/name` (or `kind.group/name`) of every object of these resource types, cluster-wide. */
  async names(resources: string[]): Promise<string[]> {
    const out = await this.run(["get", resources.join(","), "--all-namespaces", "-o", "name"]);
    return out.split("\n").filter((l) => l.trim() !== "");
  }

  async exists(ref: KubeObjectRef): Promise<boolean> {
    const out = await this.run([
      "get",
      `${kindResource(ref)}`,
      ref.name,
      ...(ref.namespace ? ["-n", ref.namespace] : []),
      "--ignore-not-found",
      "-o",
      "name",
    ]);
    return out.trim() !== "";
  }

  async getJson<T>(args: string[]): Promise<T> {
    return JSON.parse(await this.run(["get", ...args, "-o", "json"])) as T;
  }
}

/** kubectl's fully-qualified resource name for a ref (`Kind.version.group`), unambiguous for CRDs. */
export function kindResource(ref: KubeObjectRef): string {
  const [group, version] = ref.apiVersion.includes("/") ? ref.apiVersion.split("/") : ["", ref.apiVersion];
  return group ? `${ref.kind}.${version}.${group}` : ref.kind;
}
