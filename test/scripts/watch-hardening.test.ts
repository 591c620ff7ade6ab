import * as http from "http";
import { AddressInfo } from "net";
import { isResponseTooLarge, requesterFor } from "../../stacks/dynamic/http";
import { main, MAX_ANSWER_BYTES } from "../../scripts/watch/main";
import { logsCommand, RunLike } from "../../scripts/watch/progress";
import { watchRun } from "../../scripts/watch/watch-run";

const ESC = "\x1b";
/** A title change, a screen clear, a cursor move, a bell and a C1 control sequence introducer. */
const HOSTILE = `${ESC}]0;owned\x07${ESC}[2J${ESC}[1A\r\x9b31m`;

function failedRun(): RunLike {
  return {
    run_id: "r-1",
    state: "FAILED",
    error: { message: `run failed${HOSTILE}` },
    run_details: {
      task_details: [
        {
          task_id: "t1",
          display_name: `fetch-pdb${HOSTILE}`,
          state: "FAILED",
          error: { message: `no such protein${HOSTILE}` },
          child_tasks: [{ task_id: "c1", pod_name: "wf-123" }],
        },
      ],
    },
  };
}

describe("npm run watch prints server text without its control characters", () => {
  it.each([false, true])("in plain lines and in a terminal's frame (tty %s)", async (tty) => {
    const out: string[] = [];
    const code = await watchRun("r-1", {
      getRun: async () => failedRun(),
      getSteps: async () => {
        throw new Error(`forbidden${HOSTILE}`);
      },
      podLogTail: async () => `last line${HOSTILE}\nsecond line`,
      write: (text) => out.push(text),
      tty,
      namespace: "kubeflow",
      sleep: async () => undefined,
    });
    expect(code).toBe(1);
    const text = out.join("");
    expect(text).toContain("no such protein");
    expect(text).toContain("last line");
    // Only the frame's own cursor-up-and-clear may carry an escape.
    const foreign = text.replace(new RegExp(`${ESC}\\[\\d+A${ESC}\\[0J`, "g"), "");
    // eslint-disable-next-line no-control-regex
    expect(foreign).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });
});

describe("npm run watch's answers are bounded", () => {
  let server: http.Server;
  let baseUrl: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/declared") {
        res.writeHead(200, { "content-length": String(MAX_ANSWER_BYTES + 1) });
        res.write("x");
        return; // never ends: the client must stop on the declared length
      }
      // Chunked, no length: 1 MiB at a time until the client hangs up.
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(2 ** 20, 0x20);
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", more);
      };
      res.on("close", () => undefined);
      more();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it.each(["/declared", "/endless"])("stops reading %s at the limit with a clear error", async (path) => {
    const request = requesterFor({ baseUrl, headers: {}, tls: { rejectUnauthorized: true } }, undefined, 4 * 2 ** 20);
    const error = await request({ method: "GET", path }).catch((e: Error) => e);
    expect(isResponseTooLarge(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^GET ${path}: the answer is over 4 MiB; stopped reading it`));
  });

  it("watch fails with the limit's error, exit 2, when KFP's answer is endless", async () => {
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["--endpoint", baseUrl, "--run", "r1", "--kubeconfig", "/nonexistent"])).toBe(2);
      expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toMatch(
        /^watch: GET \/apis\/v2beta1\/runs\/r1: the answer is over 32 MiB; stopped reading it\n$/,
      );
    } finally {
      stderr.mockRestore();
    }
  });
});

describe("the kubectl logs command watch prints", () => {
  it("quotes each value for a POSIX shell", () => {
    const task = { id: "t", name: "x", state: "FAILED", pod: "wf-1;rm -rf ~" };
    expect(logsCommand(task, "admin@my cluster", "kube flow")).toBe(
      "kubectl logs --context 'admin@my cluster' -n 'kube flow' 'wf-1;rm -rf ~' -c main",
    );
    expect(logsCommand({ ...task, pod: "wf-1" }, undefined, "kubeflow")).toBe("kubectl logs -n kubeflow wf-1 -c main");
  });
});
