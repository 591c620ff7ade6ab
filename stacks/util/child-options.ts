import * as pulumi from "@pulumi/pulumi";

/**
 * Options for a component's children. Pulumi does not make children wait for their parent's
 * `dependsOn`, so a component hands it down: a layer's resources start only after the layers it
 * depends on are done.
 */
export function childOptions(
  parent: pulumi.ComponentResource,
  opts: pulumi.ComponentResourceOptions | undefined,
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  const inherited =
    opts?.dependsOn === undefined ? [] : Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn];
  const own = extra.dependsOn === undefined ? [] : Array.isArray(extra.dependsOn) ? extra.dependsOn : [extra.dependsOn];
  return { ...extra, parent, dependsOn: [...inherited, ...own] as pulumi.Input<pulumi.Resource>[] };
}
