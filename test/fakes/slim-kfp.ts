import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { readManifestPath } from "../../stacks/kfp/source";
import { SHARED_KFP_DIR } from "../fixtures/shared-kfp";

/**
 * The real KFP 2.17.0 manifests with CRD schemas reduced to "any object": the same objects and names,
 * a tenth of the bytes, so graph tests that only look at wiring stay fast.
 */
export function slimKfpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-slim-"));
  const objs = readManifestPath(SHARED_KFP_DIR).map((o) => {
    if (o.kind !== "CustomResourceDefinition") return o;
    const versions = o.spec.versions.map((v: object) => ({
      ...v,
      schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
    }));
    return { ...o, spec: { ...o.spec, versions } };
  });
  fs.writeFileSync(path.join(dir, "kfp.yaml"), objs.map((o) => YAML.stringify(o)).join("---\n"));
  return dir;
}
