import * as path from "path";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { hashDirectory } from "./build-context";
import { shellQuote } from "../util/shell";
import { childOptions } from "../util/child-options";

export interface AmberImageBuild {
  /** minikube profile whose Docker daemon builds the image (its node pushes to the registry). */
  minikubeProfile: string;
  /** Registry as the node addresses it, e.g. localhost:5000. */
  registryAddress: string;
  contextDir: string;
  /** Docker platform to build for, the node's own (see stacks/preflight), e.g. `linux/amd64`. */
  platform: string;
  /**
   * A value known only once the profile runs (e.g. the cluster's API server URL): `minikube docker-env`
   * is read after it, on every preview and up, since its port changes whenever minikube restarts.
   */
  profileRunning: pulumi.Input<string>;
  /**
   * The image variant: `cuda12` adds OpenMM's CUDA 12 platform (build argument OPENMM_PLATFORM, its own
   * tag). Default: the CPU image.
   */
  openmmPlatform?: OpenmmPlatform;
}

/** Image variants with a GPU platform of OpenMM (images/amber/requirements-openmm-<platform>.txt). */
export type OpenmmPlatform = "cuda12";

export interface AmberImageArgs {
  /** Build images/amber; otherwise `prebuiltImage` is used as given. */
  build?: AmberImageBuild;
  /** A digest reference (validated by config) used when nothing is built. */
  prebuiltImage?: string;
}

/** `minikube docker-env --shell none` prints KEY=VALUE lines. */
export function parseDockerEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)="?([^"]*)"?\s*$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  if (!env.DOCKER_HOST)
    throw new Error(
      `minikube docker-env gave no DOCKER_HOST (is the profile running with the docker runtime? minikube start --profile <profile>): ${text.trim()}`,
    );
  return env;
}

/**
 * The tag names the build context's content (and the variant), so a changed context is a new image and an
 * unchanged one is not rebuilt.
 */
export function amberImageName(registryAddress: string, contextHash: string, variant?: OpenmmPlatform): string {
  return `${registryAddress}/amber:ctx-${contextHash.slice(0, 16)}${variant ? `-${variant}` : ""}`;
}

/**
 * The AMBER image every pipeline step runs in, consumed downstream only by digest
 * (`localhost:5000/amber@sha256:…`). Built by minikube's Docker daemon and pushed to the in-cluster
 * registry, or taken as given.
 */
export class AmberImage extends pulumi.ComponentResource {
  readonly imageRef: pulumi.Output<string>;

  constructor(name: string, args: AmberImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kfp-protein:image:AmberImage", name, {}, opts);
    if (args.build) {
      const b = args.build;
      const contextDir = path.resolve(b.contextDir);
      // An invoke, not a Command resource: a Command runs on create only and would keep a stale port.
      const dockerEnv = command.local.runOutput(
        {
          command: pulumi
            .output(b.profileRunning)
            .apply(() => `minikube docker-env --profile ${shellQuote(b.minikubeProfile)} --shell none`),
        },
        { parent: this },
      );
      const env = dockerEnv.apply((r) => parseDockerEnv(r.stdout ?? ""));
      const daemon = new docker.Provider(
        `${name}-minikube-docker`,
        {
          host: env.apply((e) => e.DOCKER_HOST),
          certPath: env.apply((e) => e.DOCKER_CERT_PATH ?? ""),
        },
        childOptions(this, opts),
      );
      const image = new docker.Image(
        `${name}-image`,
        {
          imageName: amberImageName(b.registryAddress, hashDirectory(contextDir), b.openmmPlatform),
          build: {
            context: contextDir,
            dockerfile: path.join(contextDir, "Dockerfile"),
            platform: b.platform,
            ...(b.openmmPlatform ? { args: { OPENMM_PLATFORM: b.openmmPlatform } } : {}),
          },
          skipPush: false,
        },
        childOptions(this, opts, { provider: daemon }),
      );
      this.imageRef = image.repoDigest;
    } else if (args.prebuiltImage) {
      this.imageRef = pulumi.output(args.prebuiltImage);
    } else {
      throw new Error("AmberImage needs either build or prebuiltImage");
    }
    this.registerOutputs({ imageRef: this.imageRef });
  }
}
