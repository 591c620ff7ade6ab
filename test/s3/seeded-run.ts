/**
 * A small single-protein run's objects in MinIO, keyed as KFP 2.17.0's launcher writes them
 * (`v2/artifacts/<pipeline>/<run id>/<task>/<uuid>/<output>`, the log as `executor-logs-0`), beside another run's,
 * and the files `npm run results` makes of them. Seeded by the real-S3 tier (test/s3) and the integration tier.
 */
import { S3Client } from "../../scripts/results/s3";
import { ARTIFACT_BUCKET } from "../../scripts/results/download-results";

export const RUN = "5f0c1d2e-0000-4000-8000-000000000001";
const OTHER_RUN = "5f0c1d2e-0000-4000-8000-000000000002";
const root = `v2/artifacts/protein-md/${RUN}`;

export const SEEDED: Record<string, string | Buffer> = {
  [`${root}/energy-plot-min/aa11/output_html`]: "<html><svg></svg></html>",
  [`${root}/energy-plot-min/aa11/output_metrics`]: JSON.stringify({ final_energy: -1234.5 }),
  [`${root}/energy-plot-min/aa11/output_dat`]: "step energy\n1 -1\n",
  [`${root}/energy-plot-min/aa11/executor-logs-0`]: "plot: 12 frames\n",
  [`${root}/sander-free/bb22/output_log`]: "NSTEP = 100\n",
  [`${root}/sander-free/bb22/output_mdin`]: "free MD\n &cntrl\n /\n",
  [`${root}/sander-free/bb22/executor-logs-0`]: "sander: step 100 of 100\n",
  [`${root}/sander-free/bb22/output_rst`]: "restart\n",
  [`${root}/sander-free/bb22/output_traj`]: Buffer.alloc(4096, 7),
  [`${root}/leap-add-ions/cc33/output_top`]: "%VERSION\n",
  [`${root}/leap-add-ions/cc33/output_pdb`]: "ATOM\n",
  [`v2/artifacts/protein-md/${OTHER_RUN}/sander-free/dd44/output_log`]: "someone else's\n",
};

/** What `npm run results --run RUN` writes under `<out>/RUN/` (no trajectory without --trajectories), sorted. */
export const RUN_FILES = [
  "energy-plot-min/data.dat",
  "energy-plot-min/executor.log",
  "energy-plot-min/metrics.json",
  "energy-plot-min/plot.html",
  "index.html",
  "leap-add-ions/structure.pdb",
  "leap-add-ions/topology.parmtop",
  "sander-free/executor.log",
  "sander-free/mdout.log",
  "sander-free/restart.rst",
  "sander-free/sander.mdin",
];

/** Creates KFP's bucket and puts every seeded object in it. */
export async function seedRun(store: S3Client): Promise<void> {
  await store.createBucket(ARTIFACT_BUCKET);
  for (const [key, content] of Object.entries(SEEDED)) await store.put(ARTIFACT_BUCKET, key, Buffer.from(content));
}
