import { KFP_PATHS } from "../../stacks/kfp-api/client";
import { loadSwagger, matchOperation, validateRequest, validateValue } from "./swagger-validator";

const swagger = loadSwagger();

describe("KFP 2.17.0 swagger", () => {
  test.each(KFP_PATHS.map(([m, p]) => [m, p]))("the client's %s %s exists in the swagger", (method, template) => {
    expect(swagger.paths[template]?.[method.toLowerCase()]).toBeDefined();
  });

  test("the most literal template wins: {run_id}:archive over {run_id}", () => {
    expect(matchOperation(swagger, "POST", "/apis/v2beta1/runs/abc:archive")?.template).toBe(
      "/apis/v2beta1/runs/{run_id}:archive",
    );
    expect(matchOperation(swagger, "GET", "/apis/v2beta1/runs/abc")?.pathParams).toEqual({ run_id: "abc" });
    expect(matchOperation(swagger, "POST", "/apis/v2beta1/pipelines/upload_version")?.template).toBe(
      "/apis/v2beta1/pipelines/upload_version",
    );
    expect(matchOperation(swagger, "PUT", "/apis/v2beta1/runs/abc")).toBeUndefined();
  });

  test("unknown body fields are rejected, as by the real server", () => {
    const errors = validateValue(
      swagger,
      { $ref: "#/definitions/v2beta1Run" },
      { display_name: "x", pipelineVersionReference: {} },
      "body",
    );
    expect(errors).toEqual(['body: unknown field "pipelineVersionReference"']);
  });

  test("nested types and enums are checked; Struct fields take any object", () => {
    const run = {
      display_name: "x",
      runtime_config: { parameters: { a: 1, b: ["x"], c: { d: true } } },
      pipeline_spec: { anything: { goes: 1 } },
      state: "BOGUS",
      pipeline_version_reference: { pipeline_id: 5 },
    };
    const errors = validateValue(swagger, { $ref: "#/definitions/v2beta1Run" }, run, "body");
    expect(errors).toEqual([
      'body.state: "BOGUS" not one of RUNTIME_STATE_UNSPECIFIED|PENDING|RUNNING|SUCCEEDED|SKIPPED|FAILED|CANCELING|CANCELED|PAUSED',
      "body.pipeline_version_reference.pipeline_id: expected string, got 5",
    ]);
  });

  test("requests: unknown query parameters, missing multipart file and wrong content type are errors", () => {
    const bad = validateRequest(swagger, {
      method: "POST",
      pathname: "/apis/v2beta1/pipelines/upload_version",
      query: new URLSearchParams({ pipeline_id: "p" }),
      contentType: "multipart/form-data; boundary=x",
      formFields: { file: { isFile: true } },
    });
    expect(bad.errors).toEqual([
      'query: unknown parameter "pipeline_id" for POST /apis/v2beta1/pipelines/upload_version',
      'form: missing required field "uploadfile"',
      'form: unknown field "file"',
    ]);
    const json = validateRequest(swagger, {
      method: "POST",
      pathname: "/apis/v2beta1/experiments",
      query: new URLSearchParams(),
      contentType: "text/plain",
      json: { display_name: "e" },
    });
    expect(json.errors).toEqual(["body: content-type must be application/json, got text/plain"]);
  });

  test("a filter query must be a valid v2beta1Filter", () => {
    const res = validateRequest(swagger, {
      method: "GET",
      pathname: "/apis/v2beta1/pipelines",
      query: new URLSearchParams({ filter: JSON.stringify({ predicates: [{ key: "name", op: "EQUALS" }] }) }),
    });
    expect(res.errors).toEqual(['filter.predicates[0]: unknown field "op"']);
  });
});
