/**
 * npm run results (usage below). Downloads a run's artifacts into `<out>/<run-id>/` (default out: results), a
 * batch run's per protein. The object store is reached through a `kubectl port-forward` to MinIO opened and closed here, or at --s3-endpoint.
 * Credentials: the stack's `minioCredentials`, or KFP_PROTEIN_S3_ACCESS_KEY / KFP_PROTEIN_S3_SECRET_KEY.
 * The run's Argo Workflow (which protein each task folder holds) is read with the same kubectl settings; with
 * --s3-endpoint only when --context or --kubeconfig is given.
 * Exit 0 when done, 2 on an error (nothing half-written: files land by rename).
 */
import { existsSync } from "fs";
import { resolve } from "path";
import { StackOutputs, chosenStack, noRunMessage, readStackOutputs } from "../run-target";
import { Usage, parseUsageFlags, runCli } from "../../pipelines/cli";
import { downloadResults, pruneEmptyDirs } from "./download-results";
import { withPortForward } from "./port-forward";
import { proteinFolders } from "./protein-folders";
import { readWorkflow } from "./read-workflow";
import { metricsTable } from "../../pipelines/results/results-index";
import { S3Client, isS3Error } from "./s3";
import { printable } from "../printable";

const MINIO = { service: "minio-service", port: 9000 };

export const USAGE: Usage = {
  command: "results",
  synopsis: "npm run results [-- --stack NAME] [--run ID] [--out DIR] [--trajectories] [--s3-endpoint URL] …",
  about: `Downloads a run's plots, metrics, logs and structures into <out>/<run-id>/ (a batch run's per protein)
through a kubectl port-forward to the stack's MinIO, or from --s3-endpoint with KFP_PROTEIN_S3_ACCESS_KEY
and KFP_PROTEIN_S3_SECRET_KEY set. Exit 0 when done, 2 on an error (nothing is left half-written).`,
  flags: [
    ["--stack NAME", "the stack whose run and MinIO to use (default $PULUMI_STACK, else dev)"],
    ["--run ID", "download this run instead of the stack's"],
    ["--out DIR", "where <run-id>/ goes (default results)"],
    ["--trajectories", "also download trajectories (large)"],
    ["--s3-endpoint URL", "read this object store instead of port-forwarding to the stack's MinIO"],
    ["--context NAME", "kube context for the port-forward and the run's Workflow (default: the stack's)"],
    ["--kubeconfig PATH", "kubeconfig for the same (default $KUBECONFIG or ~/.kube/config)"],
    ["--namespace NS", "namespace of MinIO and the Workflow (default kubeflow)"],
  ],
};

export function explain(error: unknown, where: string, out: string): string {
  const e = error as NodeJS.ErrnoException;
  const code = e.code ?? "";
  if (isS3Error(e) && ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"].includes(e.s3Code)) {
    return `the object store at ${where} refused the credentials (${e.s3Code}): use the stack's (\`npm run outputs -- minioCredentials --show-secrets\`) or fix KFP_PROTEIN_S3_ACCESS_KEY/KFP_PROTEIN_S3_SECRET_KEY`;
  }
  if (isS3Error(e) && e.s3Code === "NoSuchBucket") {
    return `the object store at ${where} has no bucket mlpipeline: is it KFP's artifact store?`;
  }
  if (isS3Error(e) && e.status === 0) {
    return `cannot reach the object store at ${where} (${e.message}): check --s3-endpoint, or that the cluster is up`;
  }
  if (code === "ENOSPC" || code === "EDQUOT") {
    return `no space left writing under ${out} (${code}): free some space or choose another --out; complete files are kept and a re-run resumes`;
  }
  if (code === "EACCES" || code === "EROFS") return `cannot write under ${out} (${code}): choose another --out`;
  return e.message;
}

function credentials(outputs: StackOutputs | undefined): { accessKey: string; secretKey: string } {
  const accessKey = process.env.KFP_PROTEIN_S3_ACCESS_KEY ?? outputs?.minioCredentials?.accessKey;
  const secretKey = process.env.KFP_PROTEIN_S3_SECRET_KEY ?? outputs?.minioCredentials?.secretKey;
  if (!accessKey || !secretKey) {
    throw new Error(
      "no object-store credentials: the stack has no minioCredentials (objectStore.kind is seaweedfs, whose credentials the stack does not generate); set KFP_PROTEIN_S3_ACCESS_KEY and KFP_PROTEIN_S3_SECRET_KEY",
    );
  }
  return { accessKey, secretKey };
}

export async function main(
  argv: string[],
  writeOut: (text: string) => void = (text) => void process.stdout.write(text),
  /** The kubectl for the port-forward and the Workflow (tests pass a fake). */
  kubectl = "kubectl",
): Promise<number> {
  // Protein names, keys and metrics come from the run: printed without control characters.
  const write = (text: string) => writeOut(printable(text));
  const flags = parseUsageFlags(argv, USAGE);
  const out = resolve(String(flags.out ?? "results"));
  let where = String(flags["s3-endpoint"] ?? "the port-forward to MinIO");
  let runDir: string | undefined;
  const outExisted = existsSync(out);
  try {
    const haveCredentials = process.env.KFP_PROTEIN_S3_ACCESS_KEY && process.env.KFP_PROTEIN_S3_SECRET_KEY;
    const stack = chosenStack(flags);
    const outputs =
      flags.run && haveCredentials
        ? undefined
        : readStackOutputs(
            "pass --run ID and --s3-endpoint URL with KFP_PROTEIN_S3_ACCESS_KEY and KFP_PROTEIN_S3_SECRET_KEY set",
            stack,
          );
    const runId = (flags.run as string | undefined) ?? outputs?.pipelineRunId;
    if (!runId) throw new Error(noRunMessage(stack));
    const keys = credentials(outputs);
    runDir = resolve(out, runId);
    const kube = {
      context: (flags.context as string | undefined) ?? outputs?.kubeContext,
      namespace: String(flags.namespace ?? "kubeflow"),
      kubeconfigPath: flags.kubeconfig as string | undefined,
    };
    const fetchAll = async (endpoint: string) => {
      where = endpoint;
      const store = new S3Client({ endpoint, ...keys });
      write(`results of run ${runId} into ${runDir}\n`);
      let folders: Map<string, string> | undefined;
      let noFoldersBecause = "--s3-endpoint without --context or --kubeconfig does not read the run's Workflow";
      if (!flags["s3-endpoint"] || flags.context || flags.kubeconfig) {
        const read = await readWorkflow(kube, runId, kubectl);
        if ("workflow" in read) {
          const layout = proteinFolders(read.workflow);
          folders = layout.folders;
          noFoldersBecause = "the run's Workflow names no protein for them";
          if (layout.proteins.length > 0) write(`batch of ${layout.proteins.join(", ")}: one folder per protein\n`);
          if (layout.cached.length > 0) {
            write(
              `served from KFP's cache, so their outputs stay under the earlier run that made them: ${layout.cached.join(", ")}\n`,
            );
          }
        } else noFoldersBecause = read.reason;
      }
      return downloadResults(store, runId, out, {
        trajectories: flags.trajectories === true,
        log: (l) => write(`${l}\n`),
        folders,
        noFoldersBecause,
      });
    };
    const summary = flags["s3-endpoint"]
      ? await fetchAll(String(flags["s3-endpoint"]))
      : await withPortForward({ ...kube, ...MINIO }, fetchAll, kubectl);
    write(`${summary.downloaded} downloaded, ${summary.skipped} already complete; open ${summary.runDir}/index.html\n`);
    write(metricsTable(summary.metrics));
    return 0;
  } catch (error) {
    if (!outExisted) pruneEmptyDirs(out);
    else if (runDir) pruneEmptyDirs(runDir);
    process.stderr.write(`results: ${printable(explain(error, where, out))}\n`);
    return 2;
  }
}

export const cli = (argv: string[]): Promise<number> => runCli(USAGE, argv, (args) => main(args));

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
