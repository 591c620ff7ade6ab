/** The fault suite's engine model keeps the state as the engine does around a dynamic provider's results. */
import { partialFailure } from "../../stacks/dynamic/errors";
import type { RunProvider } from "../../stacks/pipeline-run/provider";
import type { RunOutputs } from "../../stacks/pipeline-run/decisions";
import { runInputs } from "../fixtures/provider-inputs";
import { ModelEngine, PROVIDER_TEXT } from "./model-engine";

type Call = [string, ...unknown[]];

/** A provider whose methods answer from a script, and record how they were called. */
function scripted(answers: Partial<Record<keyof RunProvider, (...args: unknown[]) => unknown>>) {
  const calls: Call[] = [];
  const method =
    (name: keyof RunProvider, fallback: (...args: unknown[]) => unknown) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
      return (answers[name] ?? fallback)(...args);
    };
  const provider = {
    check: method("check", () => ({ failures: [] })),
    diff: method("diff", () => ({ changes: false })),
    create: method("create", () => ({ id: "r1", outs: { runId: "r1" } })),
    update: method("update", () => ({ outs: { runId: "r2" } })),
    delete: method("delete", () => undefined),
  } as unknown as RunProvider;
  return { provider, calls };
}

const inputs = runInputs("http://127.0.0.1:1");
const outs = (o: object) => o as RunOutputs;

test("a partial failure in create is recorded without __provider added, and forces an update with no diff", async () => {
  const { provider, calls } = scripted({
    create: () => {
      throw partialFailure("X", "boom", "pending-1", outs({ runId: "", __provider: PROVIDER_TEXT, gone: undefined }));
    },
  });
  const engine = new ModelEngine(provider);
  const first = await engine.up(inputs);
  expect(first).toMatchObject({ ok: false, op: "create" });
  expect(engine.state).toEqual({
    id: "pending-1",
    outs: { runId: "", __provider: PROVIDER_TEXT },
    initErrors: ["boom"],
  });

  expect(await engine.up(inputs)).toEqual({ ok: true, op: "update" });
  const update = calls.find((c) => c[0] === "update")!;
  expect(update.slice(1, 3)).toEqual(["pending-1", { runId: "", __provider: PROVIDER_TEXT }]);
  expect(engine.state).toEqual({ id: "pending-1", outs: { runId: "r2", __provider: PROVIDER_TEXT }, initErrors: [] });
  expect(await engine.up(inputs)).toEqual({ ok: true, op: "same" });
});

test("a plain failure records nothing on create and keeps the state on update and delete", async () => {
  const fail = () => {
    throw new Error("down");
  };
  const engine = new ModelEngine(scripted({ create: fail }).provider);
  expect(await engine.up(inputs)).toMatchObject({ ok: false, op: "create" });
  expect(engine.state).toBeUndefined();

  const kept = new ModelEngine(scripted({ update: fail, delete: fail, diff: () => ({ changes: true }) }).provider);
  await kept.up(inputs);
  const before = kept.state;
  expect(await kept.up(inputs)).toMatchObject({ ok: false, op: "update" });
  expect(await kept.destroy()).toMatchObject({ ok: false, op: "delete" });
  expect(kept.state).toBe(before);
});

test("destroy fails as the host would when the recorded outputs lost __provider", async () => {
  const { provider, calls } = scripted({
    create: () => {
      throw partialFailure("X", "boom", "pending-1", outs({ runId: "" }));
    },
  });
  const engine = new ModelEngine(provider);
  await engine.up(inputs);
  expect(await engine.destroy()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/__provider/) } });
  expect(calls.some((c) => c[0] === "delete")).toBe(false);
});

test("replaces delete first, then create", async () => {
  const { provider, calls } = scripted({ diff: () => ({ changes: true, replaces: ["pipelineName"] }) });
  const engine = new ModelEngine(provider);
  await engine.up(inputs);
  expect(await engine.up(inputs)).toEqual({ ok: true, op: "create" });
  expect(calls.map((c) => c[0])).toEqual(["check", "create", "check", "diff", "delete", "create"]);
});
